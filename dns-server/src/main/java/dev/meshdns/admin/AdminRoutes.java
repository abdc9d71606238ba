package dev.meshdns.admin;

import dev.meshdns.admin.Metrics.AdminClose;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each admin path answers, apart from any socket: {@link #route} decides from the request line
 * alone, {@link #serve} renders an endpoint's body. Thread-safe: {@code serve} runs on the admin I/O
 * loop for the constant-time endpoints and on {@code meshdns-admin-N} for the rendered ones.
 */
final class AdminRoutes {
    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json; charset=utf-8";

    private final Metrics metrics;
    private final Supplier<Readiness> readiness;
    private final DebugViews views;

    AdminRoutes(Metrics metrics, Supplier<Readiness> readiness, DebugViews views) {
        this.metrics = metrics;
        this.readiness = readiness;
        this.views = views;
    }

    /**
     * An answer: status, content type, body, an Allow header, and why the connection closes after it
     * (null: it stays open).
     */
    record Reply(HttpResponseStatus status, String contentType, byte[] body, String allow, AdminClose closes) {
        static Reply text(HttpResponseStatus status, String body) {
            return new Reply(status, TEXT, body.getBytes(StandardCharsets.UTF_8), null, null);
        }

        Reply closing(AdminClose reason) {
            return new Reply(status, contentType, body, allow, reason);
        }
    }

    static final Reply NOT_FOUND = Reply.text(HttpResponseStatus.NOT_FOUND, "not found\n");
    static final Reply METHOD_NOT_ALLOWED = new Reply(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
            "method not allowed\n".getBytes(StandardCharsets.UTF_8), "GET", null);
    static final Reply BAD_REQUEST = Reply.text(HttpResponseStatus.BAD_REQUEST, "bad request\n")
            .closing(AdminClose.BAD_REQUEST);
    static final Reply URI_TOO_LONG = Reply.text(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long\n")
            .closing(AdminClose.TOO_LARGE);
    static final Reply HEADERS_TOO_LARGE = Reply.text(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request headers too large\n").closing(AdminClose.TOO_LARGE);
    static final Reply BODY_TOO_LARGE = Reply.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "request body too large\n").closing(AdminClose.TOO_LARGE);
    private static final Reply INTERNAL_ERROR = Reply.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
    private static final Reply HEALTHY = Reply.text(HttpResponseStatus.OK, "ok\n");

    /** Where a request line leads: an endpoint to serve, or (endpoint null) an answer known already. */
    record Route(Endpoint endpoint, Reply early) {
    }

    Route route(HttpMethod method, String target) {
        String path = pathOf(target);
        if (path == null) {
            return new Route(null, BAD_REQUEST);
        }
        Endpoint endpoint = Endpoint.of(path);
        if (endpoint == null) {
            return new Route(null, NOT_FOUND);
        }
        if (!HttpMethod.GET.name().equals(method.name())) {
            return new Route(null, METHOD_NOT_ALLOWED);
        }
        return new Route(endpoint, null);
    }

    /** The answer of {@code endpoint}; a failing view answers 500 (logged), the server keeps serving. */
    Reply serve(Endpoint endpoint) {
        try {
            return switch (endpoint) {
                case METRICS -> prometheusText();
                case HEALTH -> HEALTHY;
                case READY -> {
                    Readiness now = readiness.get();
                    if (now == null) {
                        now = Readiness.notReady("starting");
                    }
                    yield Reply.text(now.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                            now.text());
                }
                case NAMES -> json(views.namesJson());
                case VIPS -> json(views.vipsJson());
                case UPSTREAMS -> json(views.upstreamsJson());
            };
        } catch (RuntimeException e) {
            log.warn("Admin {} failed", endpoint.path, e);
            return INTERNAL_ERROR;
        }
    }

    private Reply prometheusText() {
        ByteArrayOutputStream text = new ByteArrayOutputStream(16 * 1024);
        try {
            metrics.writePrometheusText(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a ByteArrayOutputStream
        }
        return new Reply(HttpResponseStatus.OK, Metrics.PROMETHEUS_CONTENT_TYPE, text.toByteArray(), null, null);
    }

    private static Reply json(String body) {
        return new Reply(HttpResponseStatus.OK, JSON, body.getBytes(StandardCharsets.UTF_8), null, null);
    }

    /** The decoded path of a request target (origin or absolute form, query dropped), or null if malformed. */
    private static String pathOf(String target) {
        try {
            return new URI(target).getPath();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    enum Endpoint {
        METRICS("/metrics", true),
        HEALTH("/health", false),
        READY("/ready", false),
        NAMES("/names", true),
        VIPS("/vips", true),
        UPSTREAMS("/upstreams", true);

        final String path;
        /** Rendered off the I/O loop: its body grows with the metrics or the names. */
        final boolean rendered;

        Endpoint(String path, boolean rendered) {
            this.path = path;
            this.rendered = rendered;
        }

        static Endpoint of(String path) {
            for (Endpoint endpoint : values()) {
                if (endpoint.path.equals(path)) {
                    return endpoint;
                }
            }
            return null;
        }
    }
}
