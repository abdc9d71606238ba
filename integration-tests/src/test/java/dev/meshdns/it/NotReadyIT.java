package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Before the first catalog is loaded, zone names answer SERVFAIL (an NXDOMAIN would be cached
 * negatively by clients); once the file appears, they are answered.
 */
class NotReadyIT {
    @TempDir
    Path dir;

    @Test
    void zoneNamesAreServfailUntilTheFirstCatalogIsLoaded() {
        Path catalog = dir.resolve("catalog-not-yet-written.yaml");
        try (ServerProcess server = ServerProcess.startAndWait(catalog, dir.resolve("data"))) {
            DnsClient dns = server.client();

            assertThat(dns.query("backend.mesh.", Type.A)).as("backend.mesh A").hasRcode(Rcode.SERVFAIL);
            assertThat(dns.query("mesh.", Type.SOA)).as("mesh. SOA").hasRcode(Rcode.SERVFAIL);
            assertThat(dns.query("nosuchservice.mesh.", Type.A)).as("unknown name").hasRcode(Rcode.SERVFAIL);

            Catalog.example().writeTo(catalog);
            Message reply = Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query("backend.mesh.", Type.A),
                    r -> r.getRcode() == Rcode.NOERROR);

            assertThat(reply).hasRcode(Rcode.NOERROR);
            assertThat(reply).isAuthoritative();
            assertThat(reply).hasAnswerCount(1);
            assertThat(dns.query("mesh.", Type.SOA)).hasRcode(Rcode.NOERROR);
        }
    }
}
