package dev.meshdns.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;

/** Names and PTR owner names in wire form, against dnsjava's encoding of the same names. */
class WireNameTest {
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

    @Test
    void namesAreEncodedLowerCasedAsDnsjavaEncodesThemCanonically() throws Exception {
        Random random = new Random(7);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder name = new StringBuilder();
            int labels = 1 + random.nextInt(6);
            for (int l = 0; l < labels; l++) {
                if (l > 0) {
                    name.append('.');
                }
                int length = 1 + random.nextInt(l == 0 && n % 50 == 0 ? 63 : 20);
                for (int c = 0; c < length; c++) {
                    name.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
                }
            }
            String dotted = random.nextBoolean() ? name + "." : name.toString();
            assertThat(WireName.of(dotted)).as(dotted).isEqualTo(Name.fromString(name + ".").toWireCanonical());
        }
        assertThat(WireName.of("")).containsExactly(0);
        assertThat(WireName.of(".")).containsExactly(0);
    }

    @Test
    void emptyOrLongLabelsAndLongNamesAreRefusedNamingTheName() {
        assertThatThrownBy(() -> WireName.of("a..mesh")).hasMessage("label of 1..63 characters expected in \"a..mesh\"");
        assertThatThrownBy(() -> WireName.of(".mesh")).hasMessage("label of 1..63 characters expected in \".mesh\"");
        assertThatThrownBy(() -> WireName.of("mesh..")).hasMessage("label of 1..63 characters expected in \"mesh..\"");
        String label64 = "a".repeat(64);
        assertThatThrownBy(() -> WireName.of(label64 + ".mesh")).hasMessageStartingWith("label of 1..63 characters");
        String long254 = ("a".repeat(62) + ".").repeat(4) + "abcd"; // 4 x 63 + 5 + root = 258 bytes
        assertThatThrownBy(() -> WireName.of(long254)).hasMessageStartingWith("name longer than 255 bytes");
    }

    @Test
    void aNameBeyondAsciiKeepsItsOldEncodingOfQuestionMarks() {
        assertThat(WireName.toDotted(WireName.of("Caf\u00e9.mesh"))).isEqualTo("caf?.mesh.");
    }

    @Test
    void ptrNamesAreTheReverseMapNamesOfTheirAddresses() throws Exception {
        Random random = new Random(3);
        for (int n = 0; n < 2_000; n++) {
            byte[] bytes = new byte[n % 4 == 0 ? 16 : 4];
            random.nextBytes(bytes);
            if (n % 7 == 0) {
                bytes[random.nextInt(bytes.length)] = (byte) (n % 3 == 0 ? 0 : n % 3 == 1 ? 9 : 100);
            }
            InetAddress address = InetAddress.getByAddress(bytes);
            assertThat(ReverseZones.ptrName(address)).as(address.getHostAddress())
                    .isEqualTo(ReverseMap.fromAddress(address).toWireCanonical());
        }
    }
}
