package dev.meshdns.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meshdns.config.HostPort;
import dev.meshdns.threads.NamedThreadFactory;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint on the JDK's built-in server: {@code GET /metrics} (Prometheus text),
 * {@code /health}, {@code /ready} (503 with reasons until ready), {@code /names}, {@code /vips} and {@code /upstreams}
 * (JSON debug views). Requests run on its own two daemon threads {@code meshdns-admin-N}, never
 * on the DNS event loops. Thread-safe: {@link #address} and {@link #close} from any thread.
 */
public final class AdminServer implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";
    private static final int THREADS = 2;

    private final HttpServer http;
    private final ExecutorService executor;
    private final Metrics metrics;
    private final Supplier<Readiness> readiness;
    private final DebugViews views;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AdminServer(HttpServer http, ExecutorService executor, Metrics metrics,
            Supplier<Readiness> readiness, DebugViews views) {
        this.http = http;
        this.executor = executor;
        this.metrics = metrics;
        this.readiness = readiness;
        this.views = views;
    }

    /** Starts serving on {@code listen} (port 0 picks a free port) without debug views. */
    public static AdminServer start(InetSocketAddress listen, Metrics metrics, Supplier<Readiness> readiness)
            throws IOException {
        return start(listen, metrics, readiness, DebugViews.empty());
    }

    /**
     * Starts serving on {@code listen} (port 0 picks a free port).
     *
     * @throws IllegalArgumentException if {@code metrics} cannot produce Prometheus text
     * @throws IOException if the address cannot be bound
     */
    public static AdminServer start(InetSocketAddress listen, Metrics metrics, Supplier<Readiness> readiness,
            DebugViews views) throws IOException {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(views, "views");
        if (!metrics.scrapable()) {
            throw new IllegalArgumentException("admin /metrics needs a PrometheusMeterRegistry, got "
                    + metrics.registry().getClass().getName());
        }
        HttpServer http;
        try {
            http = HttpServer.create(listen, 0);
        } catch (IOException e) {
            throw new IOException("cannot listen on --admin-listen " + HostPort.text(listen) + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, NamedThreadFactory.daemon("meshdns-admin"));
        AdminServer server = new AdminServer(http, executor, metrics, readiness, views);
        http.setExecutor(executor);
        http.createContext("/", server::handle);
        http.start();
        log.info("Admin HTTP on {}", server.address());
        return server;
    }

    /** The bound address, with the real port when started on port 0. */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** Stops accepting, drops open exchanges and stops the admin threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // stop(0): a positive delay waits the whole delay on JDK 17 even when idle.
        http.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) {
        try {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            route(exchange);
        } catch (IOException e) {
            log.debug("Admin request failed: {}", e.toString());
        } catch (RuntimeException e) {
            // The JDK server drops a connection silently on an uncaught exception: answer 500 instead.
            log.warn("Admin {} failed", exchange.getRequestURI().getPath(), e);
            try {
                send(exchange, 500, TEXT, "internal error\n");
            } catch (IOException | RuntimeException ignored) {
                // Headers already sent or connection gone: nothing more to tell the client.
            }
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        Endpoint endpoint = Endpoint.of(exchange.getRequestURI().getPath());
        if (endpoint == null) {
            send(exchange, 404, TEXT, "not found\n");
        } else if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            send(exchange, 405, TEXT, "method not allowed\n");
        } else {
            serve(exchange, endpoint);
        }
    }

    private void serve(HttpExchange exchange, Endpoint endpoint) throws IOException {
        switch (endpoint) {
            case METRICS -> {
                ByteArrayOutputStream text = new ByteArrayOutputStream(16 * 1024);
                metrics.writePrometheusText(text);
                send(exchange, 200, Metrics.PROMETHEUS_CONTENT_TYPE, text.toByteArray());
            }
            case HEALTH -> send(exchange, 200, TEXT, "ok\n");
            case READY -> {
                Readiness now = readiness.get();
                if (now == null) {
                    now = Readiness.notReady("starting");
                }
                send(exchange, now.ready() ? 200 : 503, TEXT, now.text());
            }
            case NAMES -> send(exchange, 200, JSON, views.namesJson());
            case VIPS -> send(exchange, 200, JSON, views.vipsJson());
            case UPSTREAMS -> send(exchange, 200, JSON, views.upstreamsJson());
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        // A length of -1 tells the JDK server "no body"; 0 would mean chunked.
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private enum Endpoint {
        METRICS, HEALTH, READY, NAMES, VIPS, UPSTREAMS;

        static Endpoint of(String path) {
            return switch (path) {
                case "/metrics" -> METRICS;
                case "/health" -> HEALTH;
                case "/ready" -> READY;
                case "/names" -> NAMES;
                case "/vips" -> VIPS;
                case "/upstreams" -> UPSTREAMS;
                default -> null;
            };
        }
    }
}
