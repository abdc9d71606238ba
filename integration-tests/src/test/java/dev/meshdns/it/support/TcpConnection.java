package dev.meshdns.it.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One client TCP connection speaking RFC 7766 framing (2-byte length prefix). Not thread-safe:
 * one test thread owns it.
 */
public final class TcpConnection implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;

    private TcpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    static TcpConnection open(InetSocketAddress server) {
        return open(server, null);
    }

    /** Connects from {@code source} (e.g. 127.0.0.2: all of 127/8 is local on Linux), or any if null. */
    static TcpConnection open(InetSocketAddress server, InetAddress source) {
        try {
            Socket socket = new Socket();
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.setTcpNoDelay(true);
            socket.connect(server, (int) DnsClient.REPLY_TIMEOUT.toMillis());
            if (socket.getLocalPort() == server.getPort()) {
                // TCP simultaneous open with itself: nothing listens on the server's port
                socket.close();
                throw new IOException("connected to itself: nothing listens on " + server);
            }
            return new TcpConnection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + server, e);
        }
    }

    public static byte[] frame(byte[]... messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] message : messages) {
            out.write(message.length >>> 8);
            out.write(message.length & 0xff);
            out.writeBytes(message);
        }
        return out.toByteArray();
    }

    /** Writes all the messages, each framed, in one write (pipelined). */
    public void send(byte[]... messages) {
        writeRaw(frame(messages));
    }

    /** Writes bytes as they are, without framing. */
    public void writeRaw(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one framed reply; empty if the server closed (or reset) the connection. */
    public Optional<byte[]> read(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            int length = in.readUnsignedShort();
            byte[] reply = new byte[length];
            in.readFully(reply);
            return Optional.of(reply);
        } catch (EOFException | SocketException closedOrReset) {
            return Optional.empty();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no TCP reply and no close within " + timeout, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@code count} framed replies, failing if the connection closes first. */
    public List<byte[]> read(int count, Duration timeout) {
        List<byte[]> replies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            replies.add(read(timeout).orElseThrow(
                    () -> new AssertionError("connection closed after " + index + " of " + count + " replies")));
        }
        return replies;
    }

    /** What became of a query on this connection. */
    public enum Outcome { REPLY, CLOSED, SILENT }

    /** Waits for one framed reply: REPLY, CLOSED (EOF or reset), or SILENT when neither happens in time. */
    public Outcome await(Duration timeout) {
        try {
            return read(timeout).isPresent() ? Outcome.REPLY : Outcome.CLOSED;
        } catch (AssertionError timedOut) {
            return Outcome.SILENT;
        }
    }

    /** True if the server closes (or resets) this connection within the timeout. */
    public boolean isClosedByServer(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
