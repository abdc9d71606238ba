package dev.meshdns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a serving mesh-dns loads that it never uses: a real process whose JVM logs every class it
 * loads ({@code -Xlog:class+load}). A class once loaded keeps its metaspace for the life of the
 * process, outside the heap (issue 12: RSS at 100,000 services).
 */
class ClassFootprintIT {
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source:");
    /** Logback's XML configurator (Joran), its model and pattern parser, the JDK's XML parser, JFR's event registry. */
    private static final List<String> UNUSED = List.of("ch.qos.logback.classic.joran.", "ch.qos.logback.core.model.",
            "ch.qos.logback.core.pattern.", "com.sun.org.apache.xerces.", "javax.xml.",
            "jdk.jfr.internal.MetadataRepository");

    @TempDir
    Path dir;
    ServerProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private List<String> loadedClasses(Path log) throws IOException {
        return Files.readAllLines(log).stream().map(LOADED::matcher).filter(Matcher::find)
                .map(found -> found.group(1)).toList();
    }

    @Test
    void aServingProcessLoadsNoXmlConfiguratorNorXmlParserNorJfrEventRegistryAndStillLogsTextLines() throws IOException {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        Path classes = dir.resolve("classes.log");

        server = ServerProcess.start(catalog, dir.resolve("data"), ServerFlags.defaults(),
                List.of("-Xmx256m", "-Xlog:class+load=info:file=" + classes)).waitUntilAnswering().awaitName("backend.mesh.");
        assertThat(server.admin().get("/metrics").statusCode()).isEqualTo(200);

        List<String> loaded = loadedClasses(classes);
        assertThat(loaded).as("the class log of a real start").contains("dev.meshdns.cli.Main", "io.grpc.Server");
        assertThat(loaded.stream().filter(name -> UNUSED.stream().anyMatch(name::startsWith)).toList())
                .as("classes loaded under %s", UNUSED).isEmpty();
        assertThat(server.log()).as("the start's log line, as text").containsPattern(
                "(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[main\\] MeshDnsServer - dns transport ");
    }
}
