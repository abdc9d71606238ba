package dev.meshdns.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP slowloris against a DNS server: from each source address, {@code perSource} connections that
 * send a 2-byte length prefix and nothing more, each reconnecting as soon as the server closes it.
 * One daemon thread per connection; {@link #close} stops them all. Thread-safe.
 */
public final class Slowloris implements AutoCloseable {
    /** A length prefix announcing a 64-byte message that never comes. */
    private static final byte[] STALLED_PREFIX = {0, 64};

    private final InetSocketAddress server;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger connects = new AtomicInteger();
    private volatile boolean stopped;

    private Slowloris(InetSocketAddress server) {
        this.server = server;
    }

    /** Starts the connections; returns at once (see {@link #open()}). */
    public static Slowloris start(InetSocketAddress server, List<InetAddress> sources, int perSource) {
        Slowloris attack = new Slowloris(server);
        for (InetAddress source : sources) {
            for (int i = 0; i < perSource; i++) {
                Thread thread = new Thread(() -> attack.run(source), "slowloris-" + source.getHostAddress() + "-" + i);
                thread.setDaemon(true);
                attack.threads.add(thread);
                thread.start();
            }
        }
        return attack;
    }

    /** Connections open (connected and stalled) now. */
    public int open() {
        return open.get();
    }

    /** Connections made so far, reconnections included. */
    public int connects() {
        return connects.get();
    }

    private void run(InetAddress source) {
        byte[] sink = new byte[512];
        while (!stopped) {
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(source, 0));
                socket.connect(server, 2000);
                socket.getOutputStream().write(STALLED_PREFIX);
                socket.setSoTimeout(100);
                connects.incrementAndGet();
                open.incrementAndGet();
                try {
                    awaitClose(socket.getInputStream(), sink);
                } finally {
                    open.decrementAndGet();
                }
            } catch (IOException refusedOrReset) {
                pause();
            }
        }
    }

    private void awaitClose(InputStream in, byte[] sink) throws IOException {
        while (!stopped) {
            try {
                if (in.read(sink) < 0) {
                    return;
                }
            } catch (SocketTimeoutException stillOpen) {
                // keep holding it
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopped = true;
        for (Thread thread : threads) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
