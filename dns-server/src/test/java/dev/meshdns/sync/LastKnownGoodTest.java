package dev.meshdns.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.EntrySetDigest;
import dev.meshdns.catalog.ServiceEntry;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastKnownGoodTest {
    @TempDir
    Path dir;

    @Test
    void savedEntriesAndVersionsComeBackAfterARestart() throws Exception {
        ServiceEntry web = new ServiceEntry("web", List.of("web.shop.example", "www.shop.example"),
                (Inet4Address) InetAddress.getByName("240.0.0.9"), (Inet6Address) InetAddress.getByName("fd00::9"),
                List.of(80, 443));
        List<SyncedEntry> entries = List.of(new SyncedEntry("web", "v\"7\\\u2028", web),
                new SyncedEntry("db", "3", ServiceEntry.of("db")));

        new LastKnownGood(dir).save(entries);

        assertThat(new LastKnownGood(dir).load()).isEqualTo(entries);
        assertThat(dir.resolve("control-plane-catalog.json.tmp")).doesNotExist();
    }

    @Test
    void theHeadOfTheFileHoldsTheDigestOfItsEntriesAndAFileWithoutOneStillLoads() throws Exception {
        List<SyncedEntry> entries = List.of(new SyncedEntry("web", "7", ServiceEntry.of("web")),
                new SyncedEntry("db", "3", new ServiceEntry("db", List.of("db.example"), null, null, List.of(5432))));
        assertThat(new LastKnownGood(dir).digest()).as("no file").isEmpty();

        new LastKnownGood(dir).save(entries);

        assertThat(new LastKnownGood(dir).digest())
                .contains(EntrySetDigest.of(List.of(entries.get(1).entry(), entries.get(0).entry())));
        Files.writeString(dir.resolve(LastKnownGood.FILE_NAME), """
                {"format":1,"resources":[
                {"name":"ok","version":"2","service":"ok","hostnames":[],"vip":null,"vip6":null,"ports":[8080]}
                ]}
                """, StandardCharsets.UTF_8);
        assertThat(new LastKnownGood(dir).digest()).as("written before the digest").isEmpty();
        assertThat(new LastKnownGood(dir).load()).extracting(SyncedEntry::name).containsExactly("ok");
        Files.writeString(dir.resolve(LastKnownGood.FILE_NAME), "{\"format\":1,\"digest\":7,\"resour",
                StandardCharsets.UTF_8);
        assertThat(new LastKnownGood(dir).digest()).as("not a digest").isEmpty();
    }

    @Test
    void noFileIsAnEmptyCatalogAndAnUnusableFileIsToo() throws Exception {
        assertThat(new LastKnownGood(dir).load()).isEmpty();

        for (String unusable : List.of("{\"format\":1,\"resour", "", "[]", "{\"format\":2,\"resources\":[]}",
                "{\"format\":1,\"resources\":5}", "{\"format\":1,\"resources\":[7]}", "{\"format\":1}",
                "{\"format\":1,\"resources\":[{\"name\":\"web\",]}")) {
            Files.writeString(dir.resolve(LastKnownGood.FILE_NAME), unusable, StandardCharsets.UTF_8);

            assertThat(new LastKnownGood(dir).load()).as(unusable).isEmpty();
        }
    }

    @Test
    void aPortThatIsNotAnIntegerFailsTheEntryNotTheFile() throws Exception {
        Files.writeString(dir.resolve(LastKnownGood.FILE_NAME), """
                {"format":1,"resources":[
                {"name":"web","version":"1","service":"web","hostnames":[],"vip":null,"vip6":null,"ports":[80.5]},
                {"name":"ok","version":"2","service":"ok","hostnames":[],"vip":null,"vip6":null,"ports":[8080]}
                ]}
                """, StandardCharsets.UTF_8);

        assertThat(new LastKnownGood(dir).load()).extracting(SyncedEntry::name).containsExactly("ok");
    }

    @Test
    void anEntryThatFailsTheCatalogRulesIsLeftOutAndTheOthersAreKept() throws Exception {
        Files.writeString(dir.resolve(LastKnownGood.FILE_NAME), """
                {"format":1,"resources":[
                {"name":"bad","version":"1","service":"bad name","hostnames":[],"vip":null,"vip6":null,"ports":[]},
                {"name":"ok","version":"2","service":"ok","hostnames":[],"vip":"240.0.0.1","vip6":null,"ports":[]}
                ]}
                """, StandardCharsets.UTF_8);

        assertThat(new LastKnownGood(dir).load()).extracting(SyncedEntry::name).containsExactly("ok");
    }
}
