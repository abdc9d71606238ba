package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.KnotUpstream;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code --upstream-resolv-conf}: the upstreams are the nameservers of a resolv.conf (port 53, so
 * two Knot servers on other loopback addresses play the cluster DNS), and an edit of the file moves
 * forwarding to the new nameserver without a restart.
 */
class ForwardingResolvConfIT {
    private static final String ZONE = """
            $ORIGIN example.test.
            $TTL 3600
            @ SOA ns hostmaster 1 3600 600 86400 60
            @ NS ns
            ns A 127.0.0.1
            who A %s
            """;

    @TempDir
    Path dir;

    @Test
    void theNameserversOfTheFileAreTheUpstreamsAndAnEditIsFollowed() throws Exception {
        try (KnotUpstream first = KnotUpstream.start(dir.resolve("knot-1"),
                Map.of("example.test.", ZONE.formatted("198.51.100.1")), "127.53.0.1", 53);
             KnotUpstream second = KnotUpstream.start(dir.resolve("knot-2"),
                     Map.of("example.test.", ZONE.formatted("198.51.100.2")), "127.53.0.2", 53)) {
            Path resolvConf = dir.resolve("resolv.conf");
            Files.writeString(resolvConf, "search example.test\nnameserver 127.53.0.1\noptions ndots:5\n");
            Path catalog = dir.resolve("catalog.yaml");
            Catalog.example().writeTo(catalog);
            try (ServerProcess server = ServerProcess.startAndWait(catalog, dir.resolve("data"),
                    ServerFlags.defaults().with("--upstream-resolv-conf", resolvConf.toString()))) {
                DnsClient dns = server.client();

                assertThat(Replies.vipOf(dns.query("who.example.test.", Type.A))).isEqualTo("198.51.100.1");

                Files.writeString(dir.resolve("resolv.conf.new"), "nameserver 127.53.0.2\n");
                Files.move(dir.resolve("resolv.conf.new"), resolvConf,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                first.stop();

                Message moved = Poll.until(Duration.ofSeconds(10), () -> dns.query("nope.example.test.", Type.A),
                        reply -> reply.getRcode() == Rcode.NXDOMAIN);
                assertThat(moved).hasRcode(Rcode.NXDOMAIN);
                assertThat(Replies.vipOf(dns.query("who.example.test.", Type.A))).as("cached from the first")
                        .isEqualTo("198.51.100.1");
                assertThat(server.admin().get("/upstreams").body()).contains("127.53.0.2:53")
                        .doesNotContain("127.53.0.1:53");
            }
        }
    }
}
