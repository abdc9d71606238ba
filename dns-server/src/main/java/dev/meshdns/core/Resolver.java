package dev.meshdns.core;

import static dev.meshdns.wire.Wire.BADCOOKIE;
import static dev.meshdns.wire.Wire.BADVERS;
import static dev.meshdns.wire.Wire.CLASS_IN;
import static dev.meshdns.wire.Wire.FORMERR;
import static dev.meshdns.wire.Wire.HEADER;
import static dev.meshdns.wire.Wire.NOERROR;
import static dev.meshdns.wire.Wire.NOTIMP;
import static dev.meshdns.wire.Wire.NXDOMAIN;
import static dev.meshdns.wire.Wire.REFUSED;
import static dev.meshdns.wire.Wire.SERVFAIL;
import static dev.meshdns.wire.Wire.TYPE_A;
import static dev.meshdns.wire.Wire.TYPE_ANY;
import static dev.meshdns.wire.Wire.TYPE_AXFR;
import static dev.meshdns.wire.Wire.TYPE_IXFR;
import static dev.meshdns.wire.Wire.putU16;
import static dev.meshdns.wire.Wire.u16;

import dev.meshdns.wire.Wire;

import dev.meshdns.table.ExtendedError;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.WireName;
import dev.meshdns.table.Zone;

/**
 * The answering core: a pure function of (query bytes, NameTable, {@link Requester}) to reply
 * bytes. No I/O, no locks, no clock but the requester's (read only for a DNS cookie), no
 * allocation: a hit copies the header and question and appends prepared answer bytes. What a reply
 * needs to know about its query travels packed in one {@code long} (see {@link QueryState}), its
 * cookie in the caller's requester, so nothing is allocated per query. Stateless and thread-safe.
 */
public final class Resolver {
    /** Returned instead of a length when the query must be dropped (no reply at all). */
    public static final int DROP = -1;
    /**
     * Returned instead of a length when the name is not the server's to answer and the client may
     * recurse: the caller forwards the query upstream.
     */
    public static final int FORWARD = -2;
    /** Size an {@code out} buffer must have: the largest TCP reply. */
    public static final int MAX_REPLY = Wire.MAX_MESSAGE;

    private Resolver() {
    }

    /**
     * Answers one DNS message. Reads {@code query[0..length)}, writes the reply into {@code out}
     * (at least {@link #MAX_REPLY} bytes) and returns its length, {@link #DROP}, or (only with
     * {@code recursion}) {@link #FORWARD}; a forwarded reply carries {@link Requester#replyCookie}.
     *
     * @param tcp true over TCP (no 512/1232 size limit, never truncated)
     * @param recursion true when names that are not the server's go upstream for this client: then
     *     they, and at an entry's hostname outside the zone every type but A, AAAA and ANY and every
     *     name below it, are {@link #FORWARD}, and every reply says RA=1; false: REFUSED (RA=0), for
     *     the names below such a hostname too
     * @param requester the query's sender (set by the caller), its cookies, and where the reply's
     *     cookie is made
     */
    public static int answer(byte[] query, int length, boolean tcp, boolean recursion, NameTable table,
                             Requester requester, byte[] out) {
        requester.answering(false, false);
        if (length < HEADER || (query[2] & 0x80) != 0) {
            return DROP; // too short to answer, or a response: never reflect
        }
        if ((query[2] & 0x78) != 0) {
            return headerOnly(query, out, NOTIMP);
        }
        if (u16(query, 4) == 0 && u16(query, 6) == 0 && u16(query, 8) == 0 && u16(query, 10) != 0) {
            return cookieQuery(query, length, tcp, recursion, requester, out);
        }
        if (u16(query, 4) != 1 || u16(query, 6) != 0 || u16(query, 8) != 0) {
            return headerOnly(query, out, FORMERR);
        }
        int nameEnd = questionNameEnd(query, length);
        if (nameEnd < 0 || nameEnd + 4 > length) {
            return headerOnly(query, out, FORMERR);
        }
        int questionEnd = nameEnd + 4;
        int additional = u16(query, 10);
        long edns = additional == 0 ? QueryState.ABSENT : Edns.parse(query, questionEnd, length, additional);
        long ctx = QueryState.withRecursion(QueryState.of(edns, questionEnd, tcp), recursion);
        if (edns == QueryState.MALFORMED) {
            return write(query, out, ctx, FORMERR, false, null, 0, null); // RFC 7873 5.2.2 too: no cookie back
        }
        boolean cookieRefused = QueryState.cookieOffset(edns) != 0 && !cookie(query, edns, tcp, requester);
        if (QueryState.present(edns) && QueryState.version(edns) > 0) {
            return write(query, out, ctx, BADVERS, false, null, 0, null, null, requester);
        }
        if (cookieRefused) {
            return write(query, out, ctx, BADCOOKIE, false, null, 0, null, null, requester);
        }
        int qtype = u16(query, nameEnd);
        if (u16(query, nameEnd + 2) != CLASS_IN || qtype == TYPE_AXFR || qtype == TYPE_IXFR) {
            return write(query, out, ctx, REFUSED, false, null, 0, null, null, requester);
        }
        return lookup(query, out, ctx, nameEnd, qtype, recursion, table, requester);
    }

    /**
     * A query without a question but with a COOKIE option asks for a server cookie (RFC 7873 5.4):
     * NOERROR with our cookie, or BADCOOKIE (with a fresh one) when the server cookie it sent is
     * invalid. Without a COOKIE option it is malformed as any query without a question.
     */
    private static int cookieQuery(byte[] query, int length, boolean tcp, boolean recursion, Requester requester,
                                   byte[] out) {
        long edns = Edns.parse(query, HEADER, length, u16(query, 10));
        long ctx = QueryState.withRecursion(QueryState.of(edns, HEADER, tcp), recursion);
        int cookie = QueryState.cookieOffset(edns);
        if (edns == QueryState.MALFORMED || cookie == 0) {
            return write(query, out, ctx, FORMERR, false, null, 0, null);
        }
        cookie(query, edns, tcp, requester);
        boolean badServerCookie = u16(query, cookie - 2) > Cookies.CLIENT_BYTES && !requester.validCookie();
        return write(query, out, ctx, badServerCookie ? BADCOOKIE : NOERROR, false, null, 0, null, null, requester);
    }

    /**
     * Verifies the query's server cookie and makes the reply's cookie (RFC 7873 5.2.3-5.2.5). True:
     * answer normally, with a fresh server cookie: the server cookie is valid, or (only a client
     * cookie, or an invalid server cookie, e.g. one of a rotated-out secret) cookies are not
     * required or the query came over TCP, whose handshake already proves the address (5.2.3 says
     * SHOULD answer then). False: BADCOOKIE, carrying the fresh cookie to retry with.
     */
    private static boolean cookie(byte[] query, long edns, boolean tcp, Requester requester) {
        int offset = QueryState.cookieOffset(edns);
        Cookies cookies = requester.cookies();
        boolean valid = cookies.valid(query, offset, requester);
        cookies.answer(query, offset, requester);
        requester.answering(true, valid);
        return valid || tcp || !cookies.required();
    }

    /** The type of the query's question, or -1 when it has no question this server could read. */
    public static int questionType(byte[] query, int length) {
        if (length < HEADER || u16(query, 4) == 0) {
            return -1;
        }
        int nameEnd = questionNameEnd(query, length);
        return nameEnd < 0 || nameEnd + 2 > length ? -1 : u16(query, nameEnd);
    }

    private static int lookup(byte[] query, byte[] out, long ctx, int nameEnd, int qtype, boolean recursion,
                              NameTable table, Requester r) {
        int node = table.find(query, HEADER, nameEnd, WireName.hash(query, HEADER, nameEnd));
        if (node >= 0) {
            Zone zone = table.zone(node);
            if (recursion && zone.hostApex() && (table.isEmptyNonTerminal(node) || !hostAddressType(qtype))) {
                // The mesh takes over only the addresses of a host outside its zone; the rest is the host's own.
                return FORWARD;
            }
            if (!zone.ready()) {
                return write(query, out, ctx, SERVFAIL, false, null, 0, null, ExtendedError.CATALOG_NOT_LOADED, r);
            }
            byte[] unavailable = table.unavailable(node, qtype == TYPE_ANY ? TYPE_A : qtype);
            if (unavailable != null) {
                return write(query, out, ctx, SERVFAIL, false, null, 0, null, unavailable, r);
            }
            int rrset = qtype == TYPE_ANY ? anyRrset(table, node) : table.rrset(node, qtype);
            if (rrset < 0) {
                return write(query, out, ctx, NOERROR, true, null, 0, zone.soaAuthority(), null, r);
            }
            byte[] bytes = table.bytes(node);
            return write(query, out, ctx, NOERROR, true, bytes, rrset, NameTable.rrsetLength(bytes, rrset),
                    NameTable.recordCount(bytes, rrset), null, null, r);
        }
        for (int pos = WireName.parent(query, HEADER); pos >= 0; pos = WireName.parent(query, pos)) {
            int ancestor = table.find(query, pos, nameEnd, WireName.hash(query, pos, nameEnd));
            if (ancestor >= 0) {
                Zone zone = table.zone(ancestor);
                if (zone.hostApex()) {
                    // A hostname outside the zone covers that one name: what lies below is not ours.
                    return recursion ? FORWARD : write(query, out, ctx, REFUSED, false, null, 0, null);
                }
                if (!zone.ready()) {
                    return write(query, out, ctx, SERVFAIL, false, null, 0, null, ExtendedError.CATALOG_NOT_LOADED,
                            r);
                }
                return write(query, out, ctx, NXDOMAIN, true, null, 0, zone.soaAuthority(), null, r);
            }
        }
        // Not ours: never an open resolver for a client that may not recurse.
        return recursion ? FORWARD : write(query, out, ctx, REFUSED, false, null, 0, null, null, r);
    }

    private static boolean hostAddressType(int qtype) {
        return qtype == TYPE_A || qtype == Wire.TYPE_AAAA || qtype == TYPE_ANY;
    }

    /** Minimal ANY (RFC 8482): one RRset, the address when there is one. */
    private static int anyRrset(NameTable table, int node) {
        int a = table.rrset(node, TYPE_A);
        return a >= 0 ? a : table.firstRrset(node);
    }

    /** End of the question name, or -1: pointers, label types other than 0 and names over 255 bytes. */
    private static int questionNameEnd(byte[] q, int length) {
        int pos = HEADER;
        while (pos < length) {
            int len = q[pos] & 0xff;
            if (len == 0) {
                return pos + 1;
            }
            if (len > 63 || pos + 1 + len - HEADER >= WireName.MAX_LENGTH) {
                return -1; // a compression pointer in the question could only point into the header
            }
            pos += 1 + len;
        }
        return -1;
    }

    /** A reply with the header alone: ID, opcode and RD echoed, no sections. */
    private static int headerOnly(byte[] q, byte[] out, int rcode) {
        out[0] = q[0];
        out[1] = q[1];
        out[2] = (byte) (0x80 | (q[2] & 0x79));
        out[3] = (byte) rcode;
        for (int i = 4; i < HEADER; i++) {
            out[i] = 0;
        }
        return HEADER;
    }

    /** A reply before the query's cookie was looked at: without a cookie (FORMERR, REFUSED of a bad header). */
    private static int write(byte[] query, byte[] out, long ctx, int rcode, boolean aa,
                             byte[] answer, int answerCount, byte[] authority) {
        return write(query, out, ctx, rcode, aa, answer, answerCount, authority, null, null);
    }

    /** A reply without an answer, or with the whole of {@code answer} as its answer records. */
    private static int write(byte[] query, byte[] out, long ctx, int rcode, boolean aa, byte[] answer,
                             int answerCount, byte[] authority, byte[] extendedError, Requester requester) {
        return write(query, out, ctx, rcode, aa, answer, 0, answer == null ? 0 : answer.length, answerCount,
                authority, extendedError, requester);
    }

    /**
     * Writes one reply: header, the query's question byte for byte, then the answer and authority
     * (both left out, with TC=1, when they do not fit) and an OPT when the query had one, with an
     * Extended DNS Error when given and the requester's reply cookie when the query had a cookie.
     */
    private static int write(byte[] query, byte[] out, long ctx, int rcode, boolean aa, byte[] answer,
                             int answerFrom, int answerLength, int answerCount, byte[] authority,
                             byte[] extendedError, Requester requester) {
        int questionEnd = QueryState.questionEnd(ctx);
        boolean withOpt = QueryState.present(ctx) || QueryState.malformed(ctx);
        byte[] cookie = requester == null ? null : requester.replyCookie();
        int optBytes = withOpt ? Opt.size(cookie, extendedError) : 0;
        int answerBytes = answer == null ? 0 : answerLength;
        int authorityBytes = authority == null ? 0 : authority.length;
        int limit = QueryState.replyLimit(ctx);
        boolean truncated = questionEnd + answerBytes + authorityBytes + optBytes > limit;
        if (truncated) {
            answerBytes = 0;
            authorityBytes = 0;
            answerCount = 0;
        }
        out[0] = query[0];
        out[1] = query[1];
        out[2] = (byte) (0x80 | (aa ? 0x04 : 0) | (truncated ? 0x02 : 0) | (query[2] & 0x01));
        out[3] = (byte) ((QueryState.recursionAvailable(ctx) ? 0x80 : 0) | (query[3] & 0x10) | (rcode & 0x0f));
        putU16(out, 4, questionEnd > HEADER ? 1 : 0); // none only in a query for a server cookie
        putU16(out, 6, answerCount);
        putU16(out, 8, authorityBytes == 0 ? 0 : 1);
        putU16(out, 10, withOpt ? 1 : 0);
        System.arraycopy(query, HEADER, out, HEADER, questionEnd - HEADER);
        int pos = questionEnd;
        if (answerBytes > 0) {
            System.arraycopy(answer, answerFrom, out, pos, answerBytes);
            pos += answerBytes;
        }
        if (authorityBytes > 0) {
            System.arraycopy(authority, 0, out, pos, authorityBytes);
            pos += authorityBytes;
        }
        if (withOpt) {
            pos = Opt.write(out, pos, rcode, QueryState.dnssecOk(ctx), cookie, extendedError);
        }
        return pos;
    }
}
