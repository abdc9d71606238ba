package dev.meshdns.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * A test DNS client over real UDP and TCP sockets to 127.0.0.1: raw bytes in, raw bytes out, plus
 * dnsjava conveniences. Each call opens its own socket, so one instance is safe to share.
 */
public final class DnsClient {
    public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);
    /** How long a UDP query is given to show that it was dropped. */
    public static final Duration NO_REPLY_WAIT = Duration.ofMillis(400);

    private final InetSocketAddress server;

    public DnsClient(int port) {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    public DnsClient(InetSocketAddress server) {
        this.server = server;
    }

    public InetSocketAddress server() {
        return server;
    }

    /** A query as dnsjava builds it: random ID, RD=1, no OPT. */
    public static Message newQuery(String name, int type) {
        return newQuery(name, type, DClass.IN);
    }

    public static Message newQuery(String name, int type, int dclass) {
        try {
            return Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, dclass));
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad name: " + name, e);
        }
    }

    /** A query with an OPT (EDNS version 0, payload 1232, no options). */
    public static Message newQueryWithEdns(String name, int type) {
        Message query = newQuery(name, type);
        query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        return query;
    }

    /** Sends {@code name type} with an OPT over UDP and parses the reply. */
    public Message queryWithEdns(String name, int type) {
        return exchange(newQueryWithEdns(name, type));
    }

    /** Sends {@code name type} over UDP and parses the reply. */
    public Message query(String name, int type) {
        return exchange(newQuery(name, type));
    }

    /** Sends {@code name type} over TCP and parses the reply. */
    public Message queryTcp(String name, int type) {
        return exchangeTcp(newQuery(name, type));
    }

    public Message exchange(Message query) {
        return parse(udp(query.toWire()));
    }

    public Message exchangeTcp(Message query) {
        return parse(tcp(query.toWire()));
    }

    public static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            throw new AssertionError("reply does not parse: " + e.getMessage() + "\n" + hex(wire), e);
        }
    }

    /** Sends one datagram and returns the reply; fails if none arrives within the timeout. */
    public byte[] udp(byte[] query) {
        return udpMaybe(query, REPLY_TIMEOUT)
                .orElseThrow(() -> new AssertionError("no UDP reply within " + REPLY_TIMEOUT + " to\n" + hex(query)));
    }

    /** Sends one datagram and returns the reply, or empty when none arrives within {@code wait}. */
    public Optional<byte[]> udpMaybe(byte[] query, Duration wait) {
        try (DatagramSocket socket = connectedSocket()) {
            socket.send(new DatagramPacket(query, query.length));
            return receive(socket, wait);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails if the server replies to this datagram within {@link #NO_REPLY_WAIT}. */
    public void udpExpectNoReply(byte[] query) {
        Optional<byte[]> reply = udpMaybe(query, NO_REPLY_WAIT);
        if (reply.isPresent()) {
            throw new AssertionError("expected no reply, got\n" + hex(reply.get()) + "\nto\n" + hex(query));
        }
    }

    /**
     * Sends one datagram and collects every reply until {@code quiet} passes without one, so that
     * duplicate replies are seen.
     */
    public List<byte[]> udpAllReplies(byte[] query, Duration quiet) {
        List<byte[]> replies = new ArrayList<>();
        try (DatagramSocket socket = connectedSocket()) {
            socket.send(new DatagramPacket(query, query.length));
            Optional<byte[]> first = receive(socket, REPLY_TIMEOUT);
            while (first.isPresent()) {
                replies.add(first.get());
                first = receive(socket, quiet);
            }
            return replies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A UDP socket connected to the server. When the server's port is not bound (not started yet, or
     * killed), the kernel may pick that very port as our ephemeral one, and the socket then receives
     * its own query as a "reply"; such a socket is thrown away.
     */
    public DatagramSocket connectedSocket() throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            DatagramSocket socket = new DatagramSocket();
            if (socket.getLocalPort() != server.getPort()) {
                socket.connect(server);
                return socket;
            }
            socket.close();
        }
        throw new IllegalStateException("kernel keeps choosing the server's port " + server.getPort());
    }

    private static Optional<byte[]> receive(DatagramSocket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
            return Optional.of(Arrays.copyOf(buffer, packet.getLength()));
        } catch (SocketTimeoutException | PortUnreachableException nothingListening) {
            // port unreachable: the server is not (or no longer) bound; either way, no reply
            return Optional.empty();
        }
    }

    /** Sends one framed query over a fresh TCP connection and returns the reply. */
    public byte[] tcp(byte[] query) {
        try (TcpConnection connection = openTcp()) {
            connection.send(query);
            return connection.read(REPLY_TIMEOUT)
                    .orElseThrow(() -> new AssertionError("TCP connection closed without a reply to\n" + hex(query)));
        }
    }

    public TcpConnection openTcp() {
        return TcpConnection.open(server);
    }

    /** A TCP connection from another loopback source address, e.g. 127.0.0.2. */
    public TcpConnection openTcpFrom(InetAddress source) {
        return TcpConnection.open(server, source);
    }

    public static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            text.append(String.format("%02x", bytes[i] & 0xff)).append(i % 16 == 15 ? '\n' : ' ');
        }
        return text.toString().trim();
    }
}
