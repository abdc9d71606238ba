package dev.meshdns.table;

import java.util.Arrays;

/**
 * The zones by their apex's wire name, looked up by a suffix of a name read in place: finding the
 * zone of a name asks for each of its ancestors, and a key copied per ancestor was 11% of a
 * million-service build's allocation. Open addressing over three small arrays (the mesh zone, its
 * reverse zones and one host zone per hostname outside them). Not thread-safe.
 */
final class ApexIndex {
    private byte[][] apexes = new byte[16][];
    private Zone[] zones = new Zone[16];
    private int[] hashes = new int[16];
    private int size;

    /** Puts the zone of this apex, replacing the one it had. Do not modify {@code apex} afterwards. */
    void put(byte[] apex, Zone zone) {
        int hash = WireName.hash(apex, 0, apex.length);
        int slot = slotOf(apex, 0, hash);
        if (apexes[slot] == null) {
            if ((size + 1) * 2 > apexes.length) {
                grow();
                slot = slotOf(apex, 0, hash);
            }
            size++;
        }
        apexes[slot] = apex;
        zones[slot] = zone;
        hashes[slot] = hash;
    }

    /** The zone whose apex is {@code wire[from..]} exactly, or null. */
    Zone get(byte[] wire, int from) {
        int slot = slotOf(wire, from, WireName.hash(wire, from, wire.length));
        return zones[slot];
    }

    /** The slot holding {@code wire[from..]}, or the empty slot where it would go. */
    private int slotOf(byte[] wire, int from, int hash) {
        int mask = apexes.length - 1;
        for (int slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
            byte[] apex = apexes[slot];
            if (apex == null || hashes[slot] == hash && Arrays.equals(apex, 0, apex.length, wire, from, wire.length)) {
                return slot;
            }
        }
    }

    private static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void grow() {
        byte[][] oldApexes = apexes;
        Zone[] oldZones = zones;
        apexes = new byte[oldApexes.length * 2][];
        zones = new Zone[oldApexes.length * 2];
        hashes = new int[oldApexes.length * 2];
        for (int i = 0; i < oldApexes.length; i++) {
            if (oldApexes[i] != null) {
                int hash = WireName.hash(oldApexes[i], 0, oldApexes[i].length);
                int slot = slotOf(oldApexes[i], 0, hash);
                apexes[slot] = oldApexes[i];
                zones[slot] = oldZones[i];
                hashes[slot] = hash;
            }
        }
    }
}
