package dev.meshdns.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A real Knot DNS server on a loopback port, authoritative for the zones a test gives it: the
 * upstream of a forwarding mesh-dns. Knows how many queries it answered (mod-stats, via knotc), so
 * a test can tell a cache hit from a forwarded query. Needs the Debian package {@code knot}
 * ({@code .ci/run} installs it). Not thread-safe.
 */
public final class KnotUpstream implements AutoCloseable {
    private static final Duration START_DEADLINE = Duration.ofSeconds(20);
    private static final Pattern COUNTER = Pattern.compile("=\\s*(\\d+)");

    private final Path dir;
    private final String host;
    private final int port;
    private final Map<String, String> zones;
    private final List<String> commandPrefix;
    private Process process;

    private KnotUpstream(Path dir, String host, int port, Map<String, String> zones, List<String> commandPrefix) {
        this.dir = dir;
        this.host = host;
        this.port = port;
        this.zones = zones;
        this.commandPrefix = List.copyOf(commandPrefix);
    }

    /** Starts Knot in {@code dir} serving each zone (origin to zone-file text) and waits until it answers. */
    public static KnotUpstream start(Path dir, Map<String, String> zones) {
        return start(dir, zones, "127.0.0.1", Ports.freeUdpAndTcpPort());
    }

    /**
     * Starts Knot on {@code host:port}, e.g. another loopback address on port 53, which is what a
     * resolv.conf {@code nameserver} line can name.
     */
    public static KnotUpstream start(Path dir, Map<String, String> zones, String host, int port) {
        return start(dir, zones, host, port, List.of());
    }

    /**
     * Starts Knot with {@code commandPrefix} in front of {@code knotd} (e.g. {@code ip netns exec NAME}:
     * then it listens in that network namespace). Its start is then awaited through its control
     * socket (a file, reachable from any namespace) until the first zone is loaded, not over DNS.
     */
    public static KnotUpstream start(Path dir, Map<String, String> zones, String host, int port,
            List<String> commandPrefix) {
        KnotUpstream knot = new KnotUpstream(dir, host, port, new LinkedHashMap<>(zones), commandPrefix);
        knot.writeConfig();
        knot.startProcess();
        return knot;
    }

    public int port() {
        return port;
    }

    /** {@code HOST:PORT}, as {@code --upstream} takes it. */
    public String address() {
        return host + ":" + port;
    }

    /** Stops Knot (SIGTERM) and waits; queries to its port then go unanswered. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts Knot again on the same port with the same zones. */
    public void restart() {
        stop();
        startProcess();
    }

    /** Queries Knot has answered since it (last) started, summed over every operation counter. */
    public long queriesAnswered() {
        try {
            Process knotc = new ProcessBuilder("knotc", "-s", dir.resolve("knot.sock").toString(), "stats",
                    "mod-stats.request-protocol").redirectErrorStream(true).start();
            String out = new String(knotc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            knotc.waitFor(10, TimeUnit.SECONDS);
            long sum = 0;
            Matcher m = COUNTER.matcher(out);
            while (m.find()) {
                sum += Long.parseLong(m.group(1));
            }
            return sum;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void writeConfig() {
        StringBuilder conf = new StringBuilder()
                .append("server:\n    listen: ").append(host).append('@').append(port).append("\n    rundir: ").append(dir).append('\n')
                .append("control:\n    listen: ").append(dir.resolve("knot.sock")).append('\n')
                .append("database:\n    storage: ").append(dir.resolve("db")).append('\n')
                .append("mod-stats:\n  - id: default\n")
                .append("template:\n  - id: default\n    storage: ").append(dir).append('\n')
                .append("    semantic-checks: off\n    global-module: mod-stats/default\n")
                .append("zone:\n");
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> zone : zones.entrySet()) {
                String file = zone.getKey() + "zone";
                Files.writeString(dir.resolve(file), zone.getValue());
                conf.append("  - domain: ").append(zone.getKey()).append("\n    file: ").append(file).append('\n');
            }
            conf.append("log:\n  - target: stderr\n    any: warning\n");
            Files.writeString(dir.resolve("knot.conf"), conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startProcess() {
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(List.of("knotd", "-c", dir.resolve("knot.conf").toString()));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("knot.log").toFile())).start();
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroy)); // a test JVM that dies leaves no knotd
        } catch (IOException e) {
            throw new IllegalStateException("cannot start knotd (apt-get install -y knot): " + e.getMessage(), e);
        }
        String zone = zones.keySet().iterator().next();
        if (!commandPrefix.isEmpty()) {
            awaitZoneLoaded(zone);
            return;
        }
        DnsClient client = new DnsClient(new InetSocketAddress(host, port));
        try {
            Poll.until(START_DEADLINE, () -> client.query(zone, Type.SOA), reply -> reply.getRcode() == Rcode.NOERROR);
        } catch (AssertionError e) {
            throw new AssertionError("knotd did not answer on port " + port + "; log:\n" + log(), e);
        }
    }

    private void awaitZoneLoaded(String zone) {
        String soa = Poll.until(START_DEADLINE, () -> knotc("zone-read", zone, "@", "SOA"), out -> out.contains(" SOA "));
        if (!soa.contains(" SOA ")) {
            throw new AssertionError("knotd did not load " + zone + " (knotc: " + soa.strip() + "); log:\n" + log());
        }
    }

    private String knotc(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("knotc", "-s", dir.resolve("knot.sock").toString()));
        command.addAll(List.of(arguments));
        Process knotc = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(knotc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        knotc.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("knot.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** What Knot itself answers, for comparing a forwarded answer with the upstream's own. */
    public Message ask(String name, int type) {
        return new DnsClient(new InetSocketAddress(host, port)).query(name, type);
    }
}
