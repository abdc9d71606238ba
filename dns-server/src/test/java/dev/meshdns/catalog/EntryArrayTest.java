package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntryArrayTest {
    private static final List<ServiceEntry> ABC = List.of(entry("a"), entry("b"), entry("c"));

    @Test
    void appendedRangesOfAnEntryArrayOrAnyListAreTheListInOrder() {
        EntryArray.Appender first = new EntryArray.Appender(0);
        first.addAll(ABC, 0, 3);
        EntryArray abc = first.list();

        EntryArray.Appender second = new EntryArray.Appender(1); // grows past its capacity
        second.addAll(abc, 1, 3);
        second.add(entry("d"));
        second.addAll(abc, 0, 1);
        second.addAll(ABC, 2, 3);

        assertThat(abc).isEqualTo(ABC);
        assertThat(second.list()).extracting(ServiceEntry::service).containsExactly("b", "c", "d", "a", "c");
    }

    @Test
    void theListIsImmutableAndReadsNothingPastItsSize() {
        EntryArray.Appender appender = new EntryArray.Appender(10);
        appender.add(entry("a"));
        EntryArray list = appender.list();

        assertThat(list).hasSize(1);
        assertThatThrownBy(() -> list.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.add(entry("b"))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new Catalog(list, List.of()).entries()).as("a catalog keeps it, uncopied").isSameAs(list);
    }

    private static ServiceEntry entry(String service) {
        return new ServiceEntry(service, List.of(), null, null, List.of());
    }
}
