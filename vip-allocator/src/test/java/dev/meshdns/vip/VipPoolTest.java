package dev.meshdns.vip;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VipPoolTest {

    /** The definition: SHA-256 of zone, a zero byte and the service, as an unsigned number, mod the usable count. */
    private static BigInteger byDefinition(String zone, String service, BigInteger usable) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update((zone + "\0" + service).getBytes(StandardCharsets.UTF_8));
        return new BigInteger(1, sha256.digest()).mod(usable);
    }

    @Test
    void thePreferredIndexIsTheDigestModuloTheUsableCountForEveryPoolSize() throws Exception {
        Random random = new Random(5);
        for (String block : List.of("240.0.0.0/4", "10.0.0.0/8", "192.168.7.0/30", "0.0.0.0/0", "fd00::/64",
                "fd00::/74", "fd00::/100", "fd00::/126", "::/0")) {
            VipPool pool = new VipPool(Cidr.parse(block));
            for (int n = 0; n < 500; n++) {
                String service = "svc-" + random.nextInt(1_000_000) + (n % 9 == 0 ? "-caf\u00e9" : "");
                assertThat(pool.preferredIndex("mesh", service)).as("%s in %s", service, block)
                        .isEqualTo(byDefinition("mesh", service, pool.usableCount()));
            }
        }
    }
}
