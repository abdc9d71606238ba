package dev.meshdns.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint on a real loopback port, with the JDK HTTP client. */
class AdminServerIT {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Metrics metrics = Metrics.prometheus();
    private final AtomicReference<Readiness> readiness =
            new AtomicReference<>(Readiness.notReady("catalog not loaded"));
    private final AtomicReference<String> viewThread = new AtomicReference<>();
    private AdminServer server;

    @BeforeEach
    void start() throws IOException {
        DebugViews views = DebugViews.of(
                () -> {
                    viewThread.set(Thread.currentThread().getName());
                    return "{\"names\":[" + Json.quote("web.shop.mesh.") + "]}";
                },
                () -> {
                    throw new IllegalStateException("vips view broken");
                });
        server = AdminServer.start(ANY_LOOPBACK_PORT, metrics, readiness::get, views);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        metrics.response(Metrics.UDP, 3, 100, 1000);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains("# TYPE meshdns_dns_responses_total counter")
                .contains("meshdns_dns_responses_total{proto=\"udp\",rcode=\"NXDOMAIN\"} 1.0");
    }

    @Test
    void healthIsOkEvenBeforeReady() throws Exception {
        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void readyIs503WithReasonsUntilTheServerIsReady() throws Exception {
        HttpResponse<String> notYet = get("/ready");
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.body()).isEqualTo("not ready\ncatalog not loaded\n");

        readiness.set(Readiness.READY.withDetail("1 service without a VIP: pool exhausted"));

        HttpResponse<String> ready = get("/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready\n1 service without a VIP: pool exhausted\n");
    }

    @Test
    void debugViewsAreJsonRenderedOnAdminThreads() throws Exception {
        HttpResponse<String> response = get("/names");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(response.body()).isEqualTo("{\"names\":[\"web.shop.mesh.\"]}");
        assertThat(viewThread.get()).matches("meshdns-admin-\\d+");
    }

    @Test
    void failingViewAnswers500AndTheServerKeepsServing() throws Exception {
        assertThat(get("/vips").statusCode()).isEqualTo(500);
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/extra").statusCode()).isEqualTo(404);
    }

    @Test
    void nonGetIs405() throws Exception {
        HttpRequest post = HttpRequest.newBuilder(uri("/ready"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build();

        HttpResponse<String> response = client.send(post, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void portZeroReportsTheBoundPort() {
        assertThat(server.address().getPort()).isPositive();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void closeIsIdempotentAndReleasesThePort() throws Exception {
        server.close();
        server.close();

        assertThatThrownBy(() -> get("/health")).isInstanceOf(IOException.class);
    }

    @Test
    void registryThatCannotBeScrapedIsRefusedAtStart() {
        Metrics simple = new Metrics(new SimpleMeterRegistry());

        assertThatThrownBy(() -> AdminServer.start(ANY_LOOPBACK_PORT, simple, () -> Readiness.READY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PrometheusMeterRegistry");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }
}
