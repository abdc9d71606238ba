package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@link ParsedCatalog#reread} of any edit of any catalog text gives what {@link CatalogFile#parse}
 * of the edited text gives: the same entries and problems, or the same error. The input is the
 * file's bytes before and after the edit, apart at the first NUL (which no catalog holds: YAML
 * rejects it); seeds: {@code ParsedCatalogFuzzTestInputs/anyEdit/}.
 */
class ParsedCatalogFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void anyEdit(FuzzedDataProvider data) {
        byte[] input = data.consumeRemainingAsBytes();
        int split = 0;
        while (split < input.length && input[split] != 0) {
            split++;
        }
        byte[] before = Arrays.copyOfRange(input, 0, split);
        byte[] after = Arrays.copyOfRange(input, Math.min(input.length, split + 1), input.length);
        ParsedCatalog first;
        try {
            first = ParsedCatalog.parse(before, List.of());
        } catch (CatalogException e) {
            return;
        }

        assertThat(ReadOutcome.of(() -> first.reread(after).catalog()))
                .isEqualTo(ReadOutcome.of(() -> CatalogFile.parse(new String(after, StandardCharsets.UTF_8))));
    }


}
