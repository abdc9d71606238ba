package dev.meshdns.vip;

/**
 * The initial capacity a {@code HashMap}, {@code LinkedHashMap} or {@code HashSet} needs to hold a
 * number of entries without growing (Java 17 has no {@code HashMap.newHashMap}): the catalog-sized
 * maps of a full apply are built once per apply, and regrowing them is measurable at 100,000
 * services. Stateless.
 */
public final class MapCapacity {
    private MapCapacity() {
    }

    /** A capacity that holds {@code entries} at the default load factor 0.75 without a resize. */
    public static int of(int entries) {
        return Math.max(16, (int) (entries / 0.75f) + 1);
    }
}
