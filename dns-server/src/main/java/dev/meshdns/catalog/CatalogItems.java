package dev.meshdns.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The items of a catalog's {@code services:} list as read: the entries kept, in order, and the
 * items skipped (a bad entry, or a second entry of a service), by item number. {@link #replace}
 * gives the outcome of the list with a run of its items replaced, numbers and duplicates worked
 * out again over the whole list, as if it had been read from the start. Immutable and thread-safe.
 */
final class CatalogItems {
    private final EntryArray entries;
    private final List<Skipped> skipped;

    /**
     * An item that gave no entry of the catalog.
     *
     * @param item       its place in the list, from 0
     * @param rawService its {@code service} as written, when a string
     * @param problems   why it is unusable, or null for a second entry of a service
     * @param entry      for a second entry of a service: the entry, else null
     * @param first      for a second entry of a service: the item that defined the service first
     */
    record Skipped(int item, String rawService, String problems, ServiceEntry entry, int first) {
        static Skipped bad(int item, String rawService, String problems) {
            return new Skipped(item, rawService, problems, null, -1);
        }

        static Skipped duplicate(int item, String rawService, ServiceEntry entry, int first) {
            return new Skipped(item, rawService, null, entry, first);
        }

        /** The problem as {@link CatalogFile} reports it: items are numbered from 1. */
        String message() {
            String name = rawService == null
                    ? "catalog entry #" + (item + 1) + ": "
                    : "catalog entry #" + (item + 1) + " (service \"" + rawService + "\"): ";
            return name + (entry == null ? problems
                    : "duplicate service, already defined by catalog entry #" + (first + 1));
        }
    }

    private CatalogItems(EntryArray entries, List<Skipped> skipped) {
        this.entries = entries;
        this.skipped = List.copyOf(skipped);
    }

    /** The entries kept, in file order: an immutable list, the one a {@link Catalog} of them keeps. */
    List<ServiceEntry> entries() {
        return entries;
    }

    /** How many items the list has, kept or skipped. */
    int size() {
        return entries.size() + skipped.size();
    }

    /** One problem per skipped item, in item order. */
    List<String> problems() {
        List<String> problems = new ArrayList<>(skipped.size());
        skipped.forEach(item -> problems.add(item.message()));
        return problems;
    }

    /** Reads the items of a list one by one, as the whole-file parse does. Not thread-safe. */
    static final class Reader {
        private final EntryArray.Appender entries = new EntryArray.Appender(1024);
        private final List<Skipped> skipped = new ArrayList<>();
        private final Map<String, Integer> firstIndex = new HashMap<>();
        private final PreviousEntries previous;
        private int size;

        /** {@code previous}: the entries of the last parse of the same file, whose equal instances are kept. */
        Reader(List<ServiceEntry> previous) {
            this.previous = new PreviousEntries(previous);
        }

        void add(Object item) {
            int index = size++;
            EntryReader.Outcome outcome = EntryReader.read(item);
            if (outcome.entry() == null) {
                skipped.add(Skipped.bad(index, outcome.rawService(), String.join("; ", outcome.problems())));
                return;
            }
            ServiceEntry entry = previous.sameOr(outcome.entry());
            Integer first = firstIndex.putIfAbsent(entry.service(), index);
            if (first != null) {
                skipped.add(Skipped.duplicate(index, outcome.rawService(), entry, first));
                return;
            }
            entries.add(entry);
        }

        CatalogItems items() {
            return new CatalogItems(entries.list(), skipped);
        }
    }

    /**
     * The list with items {@code from} to {@code to} (inclusive) replaced by the items read as
     * {@code replacement}: the entries of the other items are the same instances, and so are those
     * of the replacement equal to a replaced one. Only the services the replaced or replacing items
     * name can change which of their items is the first; a kept entry outside the run that becomes
     * a second one is not replaced here (its service as written is not kept): null, read the whole file.
     */
    CatalogItems replace(int from, int to, List<EntryReader.Outcome> replacement) {
        Run run = new Run(from, replacement.size() - (to - from + 1), skippedBefore(from), skippedBefore(to + 1),
                from - skippedBefore(from), to + 1 - skippedBefore(to + 1));
        List<ServiceEntry> replaced = validItems(run);
        Set<String> touched = new HashSet<>();
        replaced.forEach(entry -> touched.add(entry.service()));
        replacement.stream().filter(o -> o.entry() != null).forEach(o -> touched.add(o.entry().service()));
        Map<String, Integer> first = firstItems(touched, run, replacement);
        if (first == null) {
            return null;
        }
        EntryArray.Appender kept = new EntryArray.Appender(entries.size() - (run.keptTo() - run.keptFrom())
                + replacement.size() + skipped.size() - run.skipTo());
        List<Skipped> skips = new ArrayList<>(skipped.size() + replacement.size());
        kept.addAll(entries, 0, run.keptFrom());
        skips.addAll(skipped.subList(0, run.skipFrom()));
        PreviousEntries previous = new PreviousEntries(replaced);
        for (int i = 0; i < replacement.size(); i++) {
            EntryReader.Outcome outcome = replacement.get(i);
            int index = from + i;
            if (outcome.entry() == null) {
                skips.add(Skipped.bad(index, outcome.rawService(), String.join("; ", outcome.problems())));
            } else {
                ServiceEntry entry = previous.sameOr(outcome.entry());
                add(entry, outcome.rawService(), index, first.get(entry.service()), kept, skips);
            }
        }
        addAfter(run, touched, first, kept, skips);
        return new CatalogItems(kept.list(), skips);
    }

    /**
     * Where the replaced items are: from item {@code from}, {@code delta} more items after them
     * than before; {@code skipFrom}/{@code skipTo} index the skipped items at and after them,
     * {@code keptFrom}/{@code keptTo} the kept entries.
     */
    private record Run(int from, int delta, int skipFrom, int skipTo, int keptFrom, int keptTo) {
        /** The new number of an item outside the run. */
        int moved(int item) {
            return item < from ? item : item + delta;
        }
    }

    private static void add(ServiceEntry entry, String rawService, int index, int first, EntryArray.Appender kept,
                            List<Skipped> skips) {
        if (first == index) {
            kept.add(entry);
        } else {
            skips.add(Skipped.duplicate(index, rawService, entry, first));
        }
    }

    /** The items after the run, renumbered: only those of a touched service can change whether they are kept. */
    private void addAfter(Run run, Set<String> touched, Map<String, Integer> first, EntryArray.Appender kept,
                          List<Skipped> skips) {
        int nextKept = run.keptTo();
        for (int s = run.skipTo(); s < skipped.size(); s++) {
            Skipped item = skipped.get(s);
            int keptBefore = item.item() - s;
            kept.addAll(entries, nextKept, keptBefore);
            nextKept = keptBefore;
            int index = run.moved(item.item());
            if (item.entry() == null) {
                skips.add(Skipped.bad(index, item.rawService(), item.problems()));
            } else if (!touched.contains(item.entry().service())) {
                skips.add(Skipped.duplicate(index, item.rawService(), item.entry(), run.moved(item.first())));
            } else {
                // Kept now when its first went with the replaced items.
                add(item.entry(), item.rawService(), index, first.get(item.entry().service()), kept, skips);
            }
        }
        kept.addAll(entries, nextKept, entries.size());
    }

    /**
     * For each touched service, the item (numbered in the new list) that names it first; null when
     * a kept entry outside the replaced run would no longer be the first.
     */
    private Map<String, Integer> firstItems(Set<String> touched, Run run, List<EntryReader.Outcome> replacement) {
        Map<String, Integer> first = new HashMap<>();
        if (touched.isEmpty()) {
            return first;
        }
        for (int i = 0; i < replacement.size(); i++) {
            ServiceEntry entry = replacement.get(i).entry();
            if (entry != null) {
                first.merge(entry.service(), run.from() + i, Math::min);
            }
        }
        for (int s = run.skipTo(); s < skipped.size(); s++) {
            ServiceEntry entry = skipped.get(s).entry();
            if (entry != null && touched.contains(entry.service())) {
                first.merge(entry.service(), run.moved(skipped.get(s).item()), Math::min);
            }
        }
        List<int[]> keptOutside = new ArrayList<>(); // {new item number, kept index}
        int s = 0;
        for (int k = 0; k < entries.size(); k++) {
            while (s < skipped.size() && skipped.get(s).item() <= k + s) {
                s++;
            }
            if ((k < run.keptFrom() || k >= run.keptTo()) && touched.contains(entries.get(k).service())) {
                int index = run.moved(k + s);
                first.merge(entries.get(k).service(), index, Math::min);
                keptOutside.add(new int[] {index, k});
            }
        }
        for (int[] kept : keptOutside) {
            if (first.get(entries.get(kept[1]).service()) != kept[0]) {
                return null;
            }
        }
        return first;
    }

    /** The entries of the items in a run, kept or second ones, in item order. */
    private List<ServiceEntry> validItems(Run run) {
        List<ServiceEntry> valid = new ArrayList<>();
        int k = run.keptFrom();
        for (int s = run.skipFrom(); s < run.skipTo(); s++) {
            int keptBefore = skipped.get(s).item() - s;
            valid.addAll(entries.subList(k, keptBefore));
            k = keptBefore;
            if (skipped.get(s).entry() != null) {
                valid.add(skipped.get(s).entry());
            }
        }
        valid.addAll(entries.subList(k, run.keptTo()));
        return valid;
    }

    /** How many skipped items come before item {@code item}. */
    private int skippedBefore(int item) {
        int low = 0;
        int high = skipped.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (skipped.get(mid).item() < item) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
