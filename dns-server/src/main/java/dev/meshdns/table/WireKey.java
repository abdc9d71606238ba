package dev.meshdns.table;

import java.util.Arrays;

/**
 * A lower-case wire name as a map key (arrays compare by identity), its hash computed once: a full
 * build looks each name up several times. Immutable; do not modify the array.
 */
final class WireKey {
    private final byte[] wire;
    private final int hash;

    WireKey(byte[] wire) {
        this.wire = wire;
        this.hash = Arrays.hashCode(wire);
    }

    static WireKey of(byte[] wire, int from) {
        return new WireKey(from == 0 ? wire : Arrays.copyOfRange(wire, from, wire.length));
    }

    byte[] wire() {
        return wire;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WireKey k && hash == k.hash && Arrays.equals(wire, k.wire);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return WireName.toDotted(wire);
    }
}
