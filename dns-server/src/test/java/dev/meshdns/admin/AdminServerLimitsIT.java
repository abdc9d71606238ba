package dev.meshdns.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint against clients that misbehave, on raw loopback sockets: slow-loris senders,
 * huge bodies, oversized heads, piles of idle connections. Probes must be served whatever they do.
 */
class AdminServerLimitsIT {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final long HUGE_BODY_BYTES = 200L << 20;

    private final ExecutorService clients = Executors.newCachedThreadPool();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Socket> sockets = new ArrayList<>();
    private AdminServer server;

    @BeforeEach
    void start() throws IOException {
        server = AdminServer.start(ANY_LOOPBACK_PORT, Metrics.prometheus(), () -> Readiness.READY);
    }

    @AfterEach
    void stop() throws InterruptedException {
        stop.set(true);
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        clients.shutdownNow();
        clients.awaitTermination(10, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void healthIsAnsweredWhileSlowClientsTrickleTheirHeaders() throws Exception {
        CountDownLatch started = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            Socket slow = connect();
            clients.submit(() -> trickle(slow, 200, started));
        }
        assertThat(started.await(5, TimeUnit.SECONDS)).as("every slow client sent its request's start").isTrue();

        for (int probe = 0; probe < 20; probe++) {
            assertThat(exchange("GET /health HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n"))
                    .as("probe %d", probe)
                    .startsWith("HTTP/1.1 200 ")
                    .endsWith("\r\n\r\nok\n");
            Thread.sleep(250);
        }
    }

    @Test
    void requestHeadThatNeverCompletesIsClosedWithinSeconds() throws Exception {
        Socket slow = connect();
        CompletableFuture<Void> trickling = CompletableFuture.runAsync(() -> trickle(slow, 250, new CountDownLatch(1)), clients);

        slow.setSoTimeout(15_000);
        // A closed connection reads end-of-stream (or a reset) while the client is still trickling.
        assertThat(readUntilClosed(slow.getInputStream())).doesNotContain("HTTP/1.1 200");
        assertThat(trickling).isNotDone();
    }

    @Test
    void clientThatHalfClosesAfterItsRequestStillGetsTheAnswer() throws Exception {
        try (Socket socket = connect()) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: admin\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput(); // as `nc -N` does

            assertThat(readUntilClosed(socket.getInputStream())).startsWith("HTTP/1.1 200 ")
                    .contains("# TYPE meshdns_dns_responses_total counter");
        }
    }

    @Test
    void aPileOfIdleConnectionsEvictsTheOldestRatherThanLockingOutAProbe() throws Exception {
        Socket oldest = connect();
        for (int i = 1; i < AdminLimits.defaults().maxConnections(); i++) {
            connect();
        }

        assertThat(exchange("GET /health HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200 ");
        oldest.setSoTimeout(5_000);
        assertThat(oldest.getInputStream().read()).as("the oldest idle connection is closed").isEqualTo(-1);
    }

    @Test
    void hugeDeclaredBodyToAnUnknownPathIsRefusedWithoutBeingRead() throws Exception {
        Socket socket = connect();
        String head = "POST /not-here HTTP/1.1\r\nHost: admin\r\nConnection: close\r\nContent-Length: " + HUGE_BODY_BYTES + "\r\n\r\n";

        Refusal refusal = sendHugeBody(socket, head, false);

        assertThat(refusal.bodyBytesSent()).as("body bytes the client could send").isLessThan(HUGE_BODY_BYTES / 4);
        assertThat(refusal.response()).satisfiesAnyOf(
                response -> assertThat(response).startsWith("HTTP/1.1 413 "),
                response -> assertThat(response).isEmpty()); // a reset can overtake the answer
    }

    @Test
    void hugeChunkedBodyToAnUnknownPathIsRefusedWithoutBeingRead() throws Exception {
        Socket socket = connect();
        String head = "POST /not-here HTTP/1.1\r\nHost: admin\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n";

        Refusal refusal = sendHugeBody(socket, head, true);

        assertThat(refusal.bodyBytesSent()).as("body bytes the client could send").isLessThan(HUGE_BODY_BYTES / 4);
        assertThat(refusal.response()).satisfiesAnyOf(
                response -> assertThat(response).startsWith("HTTP/1.1 413 "),
                response -> assertThat(response).isEmpty());
    }

    private record Refusal(long bodyBytesSent, String response) {
    }

    /** Sends {@code head} and then up to 200 MiB of body while another thread reads what comes back. */
    private Refusal sendHugeBody(Socket socket, String head, boolean chunked) throws Exception {
        socket.setSoTimeout(30_000);
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> {
            try {
                return readUntilClosed(socket.getInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, clients);
        OutputStream out = socket.getOutputStream();
        byte[] block = new byte[64 * 1024];
        byte[] chunkHead = (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunkEnd = "\r\n".getBytes(StandardCharsets.US_ASCII);
        long sent = 0;
        try {
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            while (sent < HUGE_BODY_BYTES && !response.isDone()) {
                if (chunked) {
                    out.write(chunkHead);
                }
                out.write(block);
                if (chunked) {
                    out.write(chunkEnd);
                }
                sent += block.length;
            }
        } catch (IOException refused) {
            // The server closed the connection: what we want, the question is how early.
        }
        String answer;
        try {
            answer = response.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            answer = "";
        }
        return new Refusal(sent, answer);
    }

    /**
     * Sends the start of a request (then counts {@code started} down), then one more header byte
     * every {@code millis}, never finishing.
     */
    private void trickle(Socket socket, long millis, CountDownLatch started) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: admin\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            started.countDown();
            while (!stop.get()) {
                Thread.sleep(millis);
                out.write('a');
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // Closed by the server or by the test's end.
        }
    }

    /** One request on a fresh connection; the whole response as text, read until the server closes. */
    private String exchange(String request) throws IOException {
        try (Socket socket = connect()) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return readUntilClosed(socket.getInputStream());
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        synchronized (sockets) {
            sockets.add(socket);
        }
        socket.connect(server.address(), 2_000);
        return socket;
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException reset) {
            // A reset after (or instead of) the answer ends the stream too.
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing at the end of the test
        }
    }
}
