package dev.meshdns.core;

import dev.meshdns.table.NameTable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * Builds query bytes with dnsjava and runs them through the resolver, as client {@link #CLIENT} at
 * {@link #NOW} with cookie secret {@link #SECRET} (RFC 9018's example), cookies not required.
 */
final class Queries {
    /** The RFC 9018 appendix A secret. */
    static final byte[] SECRET = HexFormat.of().parseHex("e5e973e5a6b2a43f48e7dc849e37bfcf");
    /** Wed Jun 5 10:53:05 UTC 2019, RFC 9018 A.1. */
    static final long NOW = 1559731985L;
    static final InetAddress CLIENT = address("198.51.100.100");

    private Queries() {
    }

    /** A requester as the transport makes one, on a fixed clock. */
    static Requester requester(boolean cookiesRequired, InetAddress client, long epochSeconds) {
        return new Requester(Cookies.of(List.of(SECRET), cookiesRequired), () -> epochSeconds).client(client);
    }

    static Requester requester() {
        return requester(false, CLIENT, NOW);
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
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
        return Resolver.answer(query, query.length, false, true, table, requester(), new byte[Resolver.MAX_REPLY]);
    }

    /** The reply of a server with forwarding on, over UDP; fails when the query would be forwarded. */
    static byte[] udpForwarding(NameTable table, byte[] query) {
        byte[] out = new byte[Resolver.MAX_REPLY];
        int len = Resolver.answer(query, query.length, false, true, table, requester(), out);
        if (len == Resolver.FORWARD) {
            throw new AssertionError("forwarded instead of answered");
        }
        return len == Resolver.DROP ? null : Arrays.copyOf(out, len);
    }

    private static byte[] run(NameTable table, byte[] query, boolean tcp) {
        byte[] out = new byte[Resolver.MAX_REPLY];
        int len = Resolver.answer(query, query.length, tcp, false, table, requester(), out);
        return len == Resolver.DROP ? null : Arrays.copyOf(out, len);
    }
}
