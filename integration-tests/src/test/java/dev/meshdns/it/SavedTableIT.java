package dev.meshdns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A restart over the same catalog and VIP store answers from the table the last run saved in the
 * data dir ({@code name-table.snapshot}) while the catalog is applied behind it, with the answers
 * that apply gives; a changed catalog, a store written since or a damaged file are applied as
 * always, never answered from it.
 */
class SavedTableIT {
    private static final String ANSWERING_FROM_IT = "answering from the saved table";
    private static final Duration SAVE_DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<String> services = IntStream.range(0, 300).mapToObj(i -> "svc" + i).collect(Collectors.toList());

    private Path catalog() {
        return dir.resolve("catalog.yaml");
    }

    private Path dataDir() {
        return dir.resolve("data");
    }

    private Path savedFile() {
        return dataDir().resolve("name-table.snapshot");
    }

    @Test
    void aRestartAfterKillDashNineAnswersFromTheSavedTableWhatTheApplyThenAnswers() throws Exception {
        Map<String, String> before = answerSaveAndStop(true);

        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            Map<String, String> restarted = answers(server.client());
            String log = server.awaitLog("catalog applied", Poll.RELOAD_DEADLINE);
            assertThat(log).contains(ANSWERING_FROM_IT);
            assertThat(log.indexOf(ANSWERING_FROM_IT)).as("answered from it before the apply")
                    .isLessThan(log.indexOf("catalog applied"));
            assertThat(log.indexOf(ANSWERING_FROM_IT)).as("found by the file's bytes, before they were parsed")
                    .isLessThan(log.indexOf(" read: "));
            assertThat(restarted).isEqualTo(before);
            assertThat(answers(server.client())).as("after the apply").isEqualTo(before);
        }
    }

    @Test
    void aChangedCatalogIsAppliedAsAlwaysNotAnsweredFromTheSavedTable() throws Exception {
        Map<String, String> before = answerSaveAndStop(false);
        List<String> changed = new ArrayList<>(services.subList(1, services.size()));
        changed.add("newcomer");
        Catalog.example().withServices(changed).writeTo(catalog());

        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            server.awaitName("newcomer.mesh.");
            assertThat(server.client().query("svc0.mesh.", Type.A).getRcode()).as("removed").isEqualTo(Rcode.NXDOMAIN);
            assertThat(answer(server.client(), "svc1.mesh.", Type.A)).isEqualTo(before.get("svc1.mesh. A"));
            String log = server.awaitLog("catalog applied", Poll.RELOAD_DEADLINE);
            assertThat(log).contains("is of another catalog").doesNotContain(ANSWERING_FROM_IT);
        }
    }

    @Test
    void aStoreWrittenSinceTheTableWasSavedIsNotAnsweredFromIt() throws Exception {
        answerSaveAndStop(false);
        Path first = dir.resolve("first.snapshot");
        Files.copy(savedFile(), first);
        Catalog.example().withServices(services).withService("another").writeTo(catalog());
        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            server.awaitName("another.mesh.");
            server.stop();
        }
        // The first catalog again, and the table saved from it: the store has claimed "another" since.
        Catalog.example().withServices(services).writeTo(catalog());
        Files.copy(first, savedFile(), StandardCopyOption.REPLACE_EXISTING);

        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            String log = server.awaitLog("catalog applied", Poll.RELOAD_DEADLINE);
            assertThat(log).contains("is of store revision").doesNotContain(ANSWERING_FROM_IT);
        }
    }

    @Test
    void aDamagedSavedTableIsLoggedAndTheCatalogAppliedWithoutIt() throws Exception {
        Map<String, String> before = answerSaveAndStop(false);
        byte[] bytes = Files.readAllBytes(savedFile());
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(savedFile(), bytes);

        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            String log = server.awaitLog("catalog applied", Poll.RELOAD_DEADLINE);
            assertThat(log).contains("WARN").contains("name-table.snapshot is damaged (its CRC-32C does not match")
                    .doesNotContain(ANSWERING_FROM_IT);
            assertThat(answers(server.client())).isEqualTo(before);
        }
    }

    /**
     * Starts on {@link #services}, takes every answer, waits for the table to be saved, and stops
     * the server: {@code kill -9} or SIGTERM.
     */
    private Map<String, String> answerSaveAndStop(boolean kill) {
        Catalog.example().withServices(services).writeTo(catalog());
        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            Map<String, String> answers = answers(server.client());
            Poll.until(SAVE_DEADLINE, () -> Files.exists(savedFile()), saved -> saved);
            assertThat(savedFile()).as("saved; log:%n%s", server.log()).exists();
            if (kill) {
                server.kill();
            } else {
                server.stop();
            }
            return answers;
        }
    }

    /** A, AAAA and PTR of every service, in text. */
    private Map<String, String> answers(DnsClient dns) {
        Map<String, String> answers = new LinkedHashMap<>();
        for (String service : services) {
            String name = service + ".mesh.";
            String vip = answer(dns, name, Type.A);
            answers.put(name + " A", vip);
            answers.put(name + " AAAA", answer(dns, name, Type.AAAA));
            String[] octets = vip.split("\\.");
            answers.put(vip + " PTR", answer(dns, octets[3] + "." + octets[2] + "." + octets[1] + "." + octets[0]
                    + ".in-addr.arpa.", Type.PTR));
        }
        return answers;
    }

    private static String answer(DnsClient dns, String name, int type) {
        Message reply = Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query(name, type),
                r -> r.getRcode() == Rcode.NOERROR && (type != Type.A || r.getSection(Section.ANSWER).size() > 0));
        assertThat(reply.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
        return reply.getSection(Section.ANSWER).stream().map(record -> record.rdataToString())
                .collect(Collectors.joining(" "));
    }
}
