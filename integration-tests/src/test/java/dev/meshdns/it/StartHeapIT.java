package dev.meshdns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.LauncherFlags;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the start grew of the heap is given back once the first catalog is applied: a real mesh-dns
 * process with the launcher's heap flags, whose own log line reports the committed heap before and
 * after that one full GC.
 */
class StartHeapIT {
    /** The launcher's defaults (read from ../mesh-dns), with a ceiling for the test machine. */
    static final List<String> LAUNCHER_HEAP = Stream.concat(Stream.of("-Xmx256m"), LauncherFlags.defaults().stream())
            .toList();
    private static final Pattern GIVEN_BACK = Pattern.compile(
            "heap after the start: (\\d+) MB committed, (\\d+) MB used after one full GC \\((\\d+) MB committed before");

    @TempDir
    Path dir;
    ServerProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theHeapTheStartGrewIsGivenBackToTheLaunchersRatiosOnceTheCatalogIsApplied() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.empty().withServices(IntStream.range(0, 20_000).mapToObj(i -> "svc-" + i).toList()).writeTo(catalog);

        server = ServerProcess.start(catalog, dir.resolve("data"), ServerFlags.defaults(), LAUNCHER_HEAP)
                .waitUntilAnswering().awaitName("svc-19999.mesh.");
        String log = server.awaitLog("heap after the start", Duration.ofSeconds(30));

        Matcher line = GIVEN_BACK.matcher(log);
        assertThat(line.find()).as("the start's give-back line in %s", log).isTrue();
        int committed = Integer.parseInt(line.group(1));
        int used = Integer.parseInt(line.group(2));
        int before = Integer.parseInt(line.group(3));
        assertThat(committed).as("committed after the GC, of %d MB before", before).isLessThan(before);
        // The give-back leaves at most 10% of the old generation free (not the launcher's 30%), plus the 16 MB young one.
        assertThat(committed).as("committed after the GC, for %d MB used", used).isLessThanOrEqualTo(used * 10 / 9 + 17);
    }
}
