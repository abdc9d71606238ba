package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DnsNamesTest {
    /** The rule as the file format states it: labels of 1..63 letters, digits, '-' or '_', one optional trailing dot. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_-]{1,63}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,63}(\\.[A-Za-z0-9_-]{1,63})*\\.?");

    @Test
    void labelsAreOneToSixtyThreeLettersDigitsHyphensOrUnderscores() {
        assertThat(DnsNames.isLabel("backend")).isTrue();
        assertThat(DnsNames.isLabel("_svc-1_A")).isTrue();
        assertThat(DnsNames.isLabel("a".repeat(63))).isTrue();
        assertThat(DnsNames.isLabel("a".repeat(64))).isFalse();
        assertThat(DnsNames.isLabel("")).isFalse();
        assertThat(DnsNames.isLabel("a.b")).isFalse();
        assertThat(DnsNames.isLabel("caf\u00e9")).isFalse();
        assertThat(DnsNames.isLabel("a b")).isFalse();
    }

    @Test
    void namesAreLabelsJoinedByDotsWithOneOptionalTrailingDot() {
        assertThat(DnsNames.nameProblem("frontend.kong.svc.80.mesh")).isEmpty();
        assertThat(DnsNames.nameProblem("api.example.com.")).isEmpty();
        assertThat(DnsNames.nameProblem("a")).isEmpty();
        assertThat(DnsNames.nameProblem("a..b")).hasValueSatisfying(p -> assertThat(p).contains("\"a..b\""));
        assertThat(DnsNames.nameProblem("a.b..")).isPresent();
        assertThat(DnsNames.nameProblem(".a")).isPresent();
        assertThat(DnsNames.nameProblem(".")).hasValue("must be a DNS name (got \".\")");
        assertThat(DnsNames.nameProblem("")).hasValue("must be a DNS name (got \"\")");
        String longest = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
        assertThat(DnsNames.nameProblem(longest)).isEmpty();
        assertThat(DnsNames.nameProblem(longest + ".")).isEmpty();
        assertThat(DnsNames.nameProblem(longest + "d")).hasValue("must be at most 253 characters (got 254)");
    }

    @Test
    void randomTextIsJudgedAsTheRegularExpressionOfTheRuleJudgesIt() {
        Random random = new Random(5);
        String alphabet = "ab-_.9Z.\u00e9 ";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int c = 0; c < length; c++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = text.toString();
            assertThat(DnsNames.isLabel(s)).as("label \"%s\"", s).isEqualTo(LABEL.matcher(s).matches());
            assertThat(DnsNames.nameProblem(s).isEmpty()).as("name \"%s\"", s).isEqualTo(NAME.matcher(s).matches());
        }
    }
}
