package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.config.ServerConfig;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.store.StoreLossException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StartFailureTest {
    private final ServerConfig config;

    StartFailureTest() throws Exception {
        config = ServerConfig.builder().catalogFile(Path.of("catalog.yaml")).dataDir(Path.of("target/ops-data"))
                .vipCidr(new Cidr(InetAddress.getByName("240.0.0.0"), 4)).build();
    }

    @Test
    void anAddressInUseIsTheConfigurationsFaultAndKeepsItsMessage() {
        IOException failure = new IOException("cannot listen on --admin-listen 127.0.0.1:9153: Address already in use",
                new BindException("Address already in use"));

        StartFailure start = StartFailure.of(failure, config);

        assertThat(start.configuration()).isTrue();
        assertThat(start.message()).isEqualTo("cannot listen on --admin-listen 127.0.0.1:9153: Address already in use");
    }

    @Test
    void aDataDirDeniedNamesTheFlagAndThePath() {
        String lock = Path.of("target/ops-data/vips.lock").toAbsolutePath().toString();

        StartFailure start = StartFailure.of(new AccessDeniedException(lock), config);

        assertThat(start.configuration()).isTrue();
        assertThat(start.message()).isEqualTo("cannot write --data-dir target/ops-data: permission denied on " + lock
                + " (the directory must be writable by the user mesh-dns runs as)");
    }

    @Test
    void aFileStoreThatLostAllocationsIsForTheOperatorToDecideAndKeepsItsMessage() {
        StoreLossException failure = new StoreLossException("VIP store in --data-dir data has lost allocations:"
                + " /data/vips.snapshot is missing; ... start with --accept-store-loss to accept the loss");

        StartFailure start = StartFailure.of(failure, config);

        assertThat(start.configuration()).isTrue();
        assertThat(start.message()).isEqualTo(failure.getMessage());
    }

    @Test
    void aDatabaseThatIsDownIsNotTheConfigurationsFault() {
        IOException failure = new IOException("postgres at jdbc:postgresql://db:5432/meshdns?password=*** unavailable:"
                + " Connection refused");

        StartFailure start = StartFailure.of(failure, config);

        assertThat(start.configuration()).isFalse();
        assertThat(start.message()).startsWith("postgres at jdbc:postgresql://db:5432/meshdns?password=*** unavailable");
    }
}
