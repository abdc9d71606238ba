package dev.meshdns.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds loopback ports that are free at the time of the call. The kernel may hand the port of a
 * socket just closed out again, so a port given once in this JVM is never given again: two ports
 * asked for one server (admin and gRPC) always differ.
 */
public final class Ports {
    private static final int ATTEMPTS = 50;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    public static int freeUdpAndTcpPort() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (ServerSocket tcp = boundTcpSocket()) {
                int port = tcp.getLocalPort();
                if (isFreeForUdp(port) && GIVEN.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP after " + ATTEMPTS + " attempts");
    }

    /** A loopback TCP port free at the time of the call (e.g. for the admin HTTP server). */
    public static int freeTcpPort() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (ServerSocket tcp = boundTcpSocket()) {
                if (GIVEN.add(tcp.getLocalPort())) {
                    return tcp.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no TCP port not given before after " + ATTEMPTS + " attempts");
    }

    private static ServerSocket boundTcpSocket() throws IOException {
        ServerSocket tcp = new ServerSocket();
        tcp.setReuseAddress(false);
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return tcp;
    }

    private static boolean isFreeForUdp(int port) {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (IOException portTakenForUdp) {
            return false;
        }
    }
}
