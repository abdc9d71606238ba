package dev.meshdns.it.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds DNS messages byte by byte, for the malformed and edge cases dnsjava refuses to write.
 * A fluent, single-use, not thread-safe builder.
 */
public final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static Wire message() {
        return new Wire();
    }

    /** A header: ID, the 16 flag bits, and the four counts. */
    public Wire header(int id, int flags, int qdcount, int ancount, int nscount, int arcount) {
        return u16(id).u16(flags).u16(qdcount).u16(ancount).u16(nscount).u16(arcount);
    }

    /** A plain query header: ID, RD=1, the given counts. */
    public Wire queryHeader(int id, int qdcount, int ancount, int nscount, int arcount) {
        return header(id, 0x0100, qdcount, ancount, nscount, arcount);
    }

    /** A name in uncompressed wire form; {@code ""} or {@code "."} is the root. */
    public Wire name(String dotted) {
        for (String label : dotted.split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        out.write(0);
        return this;
    }

    public Wire question(String name, int type, int dclass) {
        return name(name).u16(type).u16(dclass);
    }

    /** An A record with an uncompressed owner. */
    public Wire aRecord(String name, int ttl, int a, int b, int c, int d) {
        return name(name).u16(1).u16(1).u32(ttl).u16(4).bytes(a, b, c, d);
    }

    /** An OPT record owned by the root: payload, extended rcode, version, flags and raw rdata. */
    public Wire opt(int payload, int extendedRcode, int version, int flags, byte[] rdata) {
        return name(".").optBody(payload, extendedRcode, version, flags, rdata);
    }

    /** The OPT fields after the owner name (to pair with a non-root owner). */
    public Wire optBody(int payload, int extendedRcode, int version, int flags, byte[] rdata) {
        u16(41).u16(payload).bytes(extendedRcode, version).u16(flags).u16(rdata.length);
        out.writeBytes(rdata);
        return this;
    }

    /** One EDNS option: code, the declared length, and the data (which may disagree with it). */
    public static byte[] option(int code, int declaredLength, byte[] data) {
        return Wire.message().u16(code).u16(declaredLength).raw(data).bytes();
    }

    public Wire u16(int value) {
        out.write((value >>> 8) & 0xff);
        out.write(value & 0xff);
        return this;
    }

    public Wire u32(int value) {
        return u16(value >>> 16).u16(value & 0xffff);
    }

    public Wire bytes(int... values) {
        for (int value : values) {
            out.write(value & 0xff);
        }
        return this;
    }

    public Wire raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
