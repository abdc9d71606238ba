package dev.meshdns.cli;

import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.CatalogException;
import dev.meshdns.catalog.CatalogFile;
import dev.meshdns.config.Durations;
import dev.meshdns.config.HostPort;
import dev.meshdns.config.ServerConfig;
import dev.meshdns.config.StoreKind;
import dev.meshdns.vip.store.PostgresUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code serve --check-config} adds to the checks of a {@link ServerConfig}: the files that
 * {@code serve} would wait for or re-read later must exist now, and the catalog file must read
 * without a rejected entry. Also the one-line summary of a good config. Stateless.
 */
final class ConfigCheck {
    private ConfigCheck() {
    }

    /** Problems of the files named; empty when all are there and the catalog reads cleanly. */
    static List<String> fileProblems(Path catalog, Path resolvConf) {
        List<String> problems = new ArrayList<>();
        if (catalog != null) {
            if (!Files.isRegularFile(catalog)) {
                problems.add("catalog-file " + catalog + " does not exist (serve would wait for it)");
            } else {
                try {
                    Catalog read = CatalogFile.read(catalog);
                    read.problems().forEach(problem -> problems.add("catalog-file " + catalog + ": " + problem));
                } catch (IOException e) {
                    problems.add("catalog-file " + catalog + " cannot be read: " + e);
                } catch (CatalogException e) {
                    problems.add("catalog-file " + catalog + ": " + e.getMessage());
                }
            }
        }
        if (resolvConf != null && !Files.isReadable(resolvConf)) {
            problems.add("upstream-resolv-conf " + resolvConf + " is not a readable file");
        }
        return problems;
    }

    /** Like "dns 127.0.0.1:5653, admin 127.0.0.1:9153, grpc ..., zone mesh, store file ./data, ...". */
    static String summary(ServerConfig config, Duration lameduck) {
        return "dns " + HostPort.text(config.dnsListen()) + ", admin " + HostPort.text(config.adminListen())
                + ", grpc " + HostPort.text(config.grpcListen()) + ", zone " + config.zone()
                + ", catalog " + (config.catalogFile() == null ? "none" : config.catalogFile())
                + ", control plane " + (config.controlPlane() == null ? "none" : config.controlPlane().target())
                + ", store " + (config.store() == StoreKind.POSTGRES ? "postgres " + PostgresUrl.mask(config.postgresUrl())
                : config.store().cliName() + " " + config.dataDir())
                + ", upstreams " + (config.forward().enabled() ? config.forward().upstreams().size()
                + (config.forward().resolvConf() == null ? "" : " + " + config.forward().resolvConf()) : "none")
                + ", lameduck " + Durations.format(lameduck);
    }
}
