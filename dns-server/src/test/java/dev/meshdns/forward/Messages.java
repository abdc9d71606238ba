package dev.meshdns.forward;

import static dev.meshdns.wire.Wire.u16;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.meshdns.core.Edns;
import dev.meshdns.core.QueryState;
import dev.meshdns.wire.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Client queries, upstream replies written as zone-file text, and a clock the tests move. */
final class Messages {
    private Messages() {
    }

    /** A client query as the forwarder gets it: its bytes and its packed {@link QueryState}. */
    record Query(byte[] wire, long state) {
        static Query udp(Message m) {
            return of(m.toWire(), false);
        }

        static Query tcp(Message m) {
            return of(m.toWire(), true);
        }

        static Query of(byte[] q, boolean tcp) {
            int pos = Wire.HEADER;
            while (q[pos] != 0) {
                pos += 1 + q[pos];
            }
            int questionEnd = pos + 5;
            int additional = u16(q, 10);
            long edns = additional == 0 ? QueryState.ABSENT : Edns.parse(q, questionEnd, q.length, additional);
            return new Query(q, QueryState.of(edns, questionEnd, tcp));
        }

        int id() {
            return u16(wire, 0);
        }
    }

    static Message query(String name, int type) {
        try {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
            m.getHeader().setID(0x1234);
            return m;
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A query with an OPT record: {@code payload} bytes, DO as given. */
    static Message ednsQuery(String name, int type, int payload, boolean dnssecOk) {
        Message m = query(name, type);
        m.addRecord(new OPTRecord(payload, 0, 0, dnssecOk ? Flags.DO : 0), Section.ADDITIONAL);
        return m;
    }

    static Message withId(Message m, int id) {
        m.getHeader().setID(id);
        return m;
    }

    static Message withCd(Message m) {
        m.getHeader().setFlag(Flags.CD);
        return m;
    }

    /** The upstream's reply to {@code query}, built section by section. */
    static final class Reply {
        private final Message m;

        private Reply(Query query) {
            try {
                Message q = new Message(query.wire());
                m = new Message(u16(query.wire(), 0) ^ 0x5a5a);
                m.getHeader().setFlag(Flags.QR);
                m.getHeader().setFlag(Flags.RD);
                m.getHeader().setFlag(Flags.RA);
                m.addRecord(q.getQuestion(), Section.QUESTION);
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
        }

        static Reply to(Query query) {
            return new Reply(query);
        }

        Reply rcode(int rcode) {
            m.getHeader().setRcode(rcode);
            return this;
        }

        Reply ad() {
            m.getHeader().setFlag(Flags.AD);
            return this;
        }

        Reply truncated() {
            m.getHeader().setFlag(Flags.TC);
            return this;
        }

        Reply answer(String... records) {
            return add(Section.ANSWER, records);
        }

        Reply authority(String... records) {
            return add(Section.AUTHORITY, records);
        }

        Reply additional(String... records) {
            return add(Section.ADDITIONAL, records);
        }

        /** The upstream's own OPT (payload 4096), which the cache must not pass on. */
        Reply opt() {
            m.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
            return this;
        }

        private Reply add(int section, String... records) {
            for (String r : records) {
                m.addRecord(record(r), section);
            }
            return this;
        }

        byte[] wire() {
            return m.toWire();
        }
    }

    /** One record from a zone-file line: {@code "www.example.com. 300 IN A 192.0.2.1"}. */
    static Record record(String line) {
        String[] f = line.trim().split("\\s+", 5);
        try {
            return Record.fromString(Name.fromString(f[0]), Type.value(f[3]), DClass.value(f[2]), Long.parseLong(f[1]),
                    f[4], Name.root);
        } catch (IOException e) {
            throw new IllegalArgumentException(line, e);
        }
    }

    /** The client cookie of the query and a server cookie of zeros, as the resolver hands one on; null without. */
    static byte[] replyCookie(Query query) {
        int offset = QueryState.cookieOffset(query.state());
        return offset == 0 ? null : Arrays.copyOf(Arrays.copyOfRange(query.wire(), offset, offset + 8), 24);
    }

    /** Writes {@code answer} for {@code query} and parses the reply. */
    static Message written(CachedAnswer answer, Query query, long nowNanos, boolean stale) {
        byte[] out = new byte[Wire.MAX_MESSAGE];
        int length = answer.write(query.wire(), query.state(), replyCookie(query), out, nowNanos, stale);
        try {
            return new Message(Arrays.copyOf(out, length));
        } catch (IOException e) {
            throw new AssertionError("unparseable reply", e);
        }
    }

    /** A section as zone-file lines, whitespace collapsed. */
    static List<String> section(Message m, int section) {
        return m.getSection(section).stream()
                .map(r -> r.toString().replaceAll("\\s+", " "))
                .collect(Collectors.toList());
    }

    /** A clock the test moves by hand. */
    static final class FakeTicker implements Ticker {
        private volatile long nanos = 1_000_000_000_000L;

        @Override
        public long read() {
            return nanos;
        }

        void advance(Duration d) {
            nanos += d.toNanos();
        }

        void advanceSeconds(long seconds) {
            advance(Duration.ofSeconds(seconds));
        }
    }
}
