package dev.meshdns.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SipHash-2-4 against the reference implementation's vectors: key 00..0f, message 00..(n-1). */
class SipHashTest {
    private static final byte[] KEY = sequence(16);
    private static final byte[] MESSAGE = sequence(64);

    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({
        "0, 726fdb47dd0e0e31",
        "1, 74f839c593dc67fd",
        "7, ab0200f58b01d137",
        "8, 93f5f5799a932462",
        "15, a129ca6149be45e5",
        "63, 958a324ceb064572",
    })
    void matchesTheReferenceVectors(int length, String expected) {
        long k0 = SipHash.key(KEY, 0);
        long k1 = SipHash.key(KEY, 8);

        assertThat(Long.toHexString(SipHash.hash(k0, k1, MESSAGE, 0, length))).isEqualTo(expected);
        byte[] shifted = new byte[length + 3];
        System.arraycopy(MESSAGE, 0, shifted, 3, length);
        assertThat(Long.toHexString(SipHash.hash(k0, k1, shifted, 3, length))).as("at an offset").isEqualTo(expected);
    }

    private static byte[] sequence(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }
}
