package dev.meshdns.table;

import java.util.Arrays;

/** A lower-case wire name as a map key (arrays compare by identity). Immutable; do not modify the array. */
record WireKey(byte[] wire) {

    static WireKey of(byte[] wire, int from) {
        return new WireKey(from == 0 ? wire : Arrays.copyOfRange(wire, from, wire.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WireKey k && Arrays.equals(wire, k.wire);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(wire);
    }

    @Override
    public String toString() {
        return WireName.toDotted(wire);
    }
}
