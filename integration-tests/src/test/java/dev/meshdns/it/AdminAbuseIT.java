package dev.meshdns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener of the real server process while clients abuse it: slow-loris senders and a
 * 200 MiB body at once. A kubelet's probes and a Prometheus scrape are answered throughout.
 */
class AdminAbuseIT {
    private static final long HUGE_BODY_BYTES = 200L << 20;

    @TempDir
    Path dir;

    @Test
    void probesAndScrapesAreAnsweredWhileSlowClientsAndAHugeBodyHitTheAdminPort() throws Exception {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService abusers = Executors.newCachedThreadPool();
        List<Socket> sockets = new ArrayList<>();
        try (ServerProcess server = ServerProcess.startAndWait(catalog, dir.resolve("data"))) {
            // Readiness is published just after the table: a name can answer a moment before /ready does.
            Poll.until(Poll.RELOAD_DEADLINE, () -> server.admin().get("/ready"), ready -> ready.statusCode() == 200);
            InetSocketAddress admin = new InetSocketAddress("127.0.0.1", server.admin().port());
            for (int i = 0; i < 4; i++) {
                Socket slow = connect(admin, sockets);
                abusers.submit(() -> trickle(slow, stop));
            }
            Socket bulk = connect(admin, sockets);
            Future<Long> hugeBodySent = abusers.submit(() -> sendHugeBody(bulk));

            for (int probe = 0; probe < 10; probe++) {
                assertThat(server.admin().get("/health").statusCode()).as("/health %d", probe).isEqualTo(200);
                assertThat(server.admin().get("/ready").statusCode()).as("/ready %d", probe).isEqualTo(200);
                assertThat(server.admin().get("/metrics").statusCode()).as("/metrics %d", probe).isEqualTo(200);
                Thread.sleep(300);
            }

            assertThat(hugeBodySent.get(30, TimeUnit.SECONDS)).as("body bytes the server let in")
                    .isLessThan(HUGE_BODY_BYTES / 4);
            assertThat(server.admin().metrics().value("meshdns_admin_connections_closed_total")).isPositive();
            assertThat(server.log()).doesNotContain("Exception").doesNotContain("LEAK:");
        } finally {
            stop.set(true);
            for (Socket socket : sockets) {
                socket.close();
            }
            abusers.shutdownNow();
            abusers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static Socket connect(InetSocketAddress admin, List<Socket> sockets) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(admin, 2_000);
        return socket;
    }

    /** A request head that never ends: one more header byte every 200 ms until the server closes. */
    private static void trickle(Socket socket, AtomicBoolean stop) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: admin\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            while (!stop.get()) {
                Thread.sleep(200);
                out.write('a');
            }
        } catch (IOException | InterruptedException e) {
            // Closed by the server (its request deadline) or by the test's end.
        }
    }

    /** Declares and sends a 200 MiB body until the server stops it; the bytes sent before that. */
    private static long sendHugeBody(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        InputStream in = socket.getInputStream();
        CompletableFuture<Void> closedByServer = CompletableFuture.runAsync(() -> {
            try {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException reset) {
                // a reset ends it as well as an end-of-stream
            }
        });
        OutputStream out = socket.getOutputStream();
        out.write(("POST /not-here HTTP/1.1\r\nHost: admin\r\nContent-Length: " + HUGE_BODY_BYTES + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] block = new byte[64 * 1024];
        long sent = 0;
        try {
            while (sent < HUGE_BODY_BYTES && !closedByServer.isDone()) {
                out.write(block);
                sent += block.length;
            }
        } catch (IOException refused) {
            // the server closed the connection
        }
        return sent;
    }
}
