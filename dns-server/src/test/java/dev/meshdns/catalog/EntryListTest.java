package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryListTest {

    @Test
    void editsKeepTheOrderOfAnInsertionOrderedMapAndHandedOutListsNeverChange() {
        Random random = new Random(11);
        EntryList.Editor editor = new EntryList.Editor();
        Map<String, ServiceEntry> model = new LinkedHashMap<>();
        List<EntryList> handedOut = new ArrayList<>();
        List<List<ServiceEntry>> asHandedOut = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            String service = "svc-" + random.nextInt(3_000);
            if (random.nextInt(3) == 0) {
                editor.remove(service);
                model.remove(service);
            } else {
                ServiceEntry entry = new ServiceEntry(service, List.of("h" + step + ".example"), null, null, List.of());
                editor.put(entry);
                model.put(service, entry);
            }
            if (step % 97 == 0) { // often: a list handed out must not see the appends after it
                handedOut.add(editor.list());
                asHandedOut.add(List.copyOf(model.values()));
            }
        }
        assertThat(editor.list()).containsExactlyElementsOf(model.values());
        assertThat(editor.list()).hasSize(model.size());
        for (int i = 0; i < handedOut.size(); i++) {
            assertThat(handedOut.get(i)).as("list %d", i).containsExactlyElementsOf(asHandedOut.get(i));
        }
    }

    @Test
    void manyRemovalsCompactTheChunksAndKeepEveryEntryFindable() {
        EntryList.Editor editor = new EntryList.Editor();
        for (int i = 0; i < 10 * EntryList.CHUNK; i++) {
            editor.put(ServiceEntry.of("svc-" + i));
        }
        for (int i = 0; i < 10 * EntryList.CHUNK; i += 2) {
            editor.remove("svc-" + i);
        }
        editor.put(new ServiceEntry("svc-1", List.of("one.example"), null, null, List.of()));
        editor.remove("svc-3");

        EntryList list = editor.list();
        assertThat(list).hasSize(5 * EntryList.CHUNK - 1);
        assertThat(list.get(0).hostnames()).containsExactly("one.example");
        assertThat(list.get(1).service()).isEqualTo("svc-5");
        assertThat(list.get(list.size() - 1).service()).isEqualTo("svc-" + (10 * EntryList.CHUNK - 1));
        assertThatThrownBy(() -> list.get(list.size())).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void anUnchangedEditorHandsOutTheSameListAndACatalogTakesItWithoutACopy() {
        EntryList.Editor editor = new EntryList.Editor();
        editor.put(ServiceEntry.of("web"));

        EntryList list = editor.list();

        assertThat(editor.list()).isSameAs(list);
        assertThat(new Catalog(list, List.of()).entries()).isSameAs(list);
        assertThatThrownBy(() -> list.add(ServiceEntry.of("db"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.set(0, ServiceEntry.of("db"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
