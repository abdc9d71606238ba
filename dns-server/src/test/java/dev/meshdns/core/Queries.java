package dev.meshdns.core;

import dev.meshdns.table.NameTable;
import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/** Builds query bytes with dnsjava and runs them through the resolver. */
final class Queries {
    private Queries() {
    }

    static byte[] query(String name, int type) {
        return message(name, type).toWire();
    }

    static Message message(String name, int type) {
        try {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
            m.getHeader().setID(0x1234);
            return m;
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static byte[] udp(NameTable table, byte[] query) {
        return run(table, query, false);
    }

    static byte[] tcp(NameTable table, byte[] query) {
        return run(table, query, true);
    }

    /** What a server with forwarding on does with the query over UDP: a reply, or FORWARD (null reply). */
    static int forwarding(NameTable table, byte[] query) {
        return Resolver.answer(query, query.length, false, true, table, new byte[Resolver.MAX_REPLY]);
    }

    /** The reply of a server with forwarding on, over UDP; fails when the query would be forwarded. */
    static byte[] udpForwarding(NameTable table, byte[] query) {
        byte[] out = new byte[Resolver.MAX_REPLY];
        int len = Resolver.answer(query, query.length, false, true, table, out);
        if (len == Resolver.FORWARD) {
            throw new AssertionError("forwarded instead of answered");
        }
        return len == Resolver.DROP ? null : Arrays.copyOf(out, len);
    }

    private static byte[] run(NameTable table, byte[] query, boolean tcp) {
        byte[] out = new byte[Resolver.MAX_REPLY];
        int len = Resolver.answer(query, query.length, tcp, false, table, out);
        return len == Resolver.DROP ? null : Arrays.copyOf(out, len);
    }
}
