package dev.meshdns.forward;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A small real DNS server on 127.0.0.1, UDP and TCP on one free port, scripted per test: it
 * answers from a record set given as zone-file text, or never answers, truncates over UDP, sends a
 * reply with a wrong ID or question before the right one, answers SERVFAIL or REFUSED, and can be
 * slowed, stopped and started again on the same port. It counts and keeps the queries it got.
 * Thread-safe; its sockets are served by its own daemon threads.
 */
public final class FakeUpstream implements AutoCloseable {
    /** What the server does with each query. */
    public enum Behavior {
        /** Answers from the records; honours the client's UDP payload size (TC=1 when it does not fit). */
        ANSWER,
        /** Reads queries and never answers. */
        SILENT,
        /** TC=1 with no records over UDP; the whole answer over TCP. */
        TRUNCATE_UDP,
        /** A reply with a wrong ID first, then the right one. */
        WRONG_ID_FIRST,
        /** A reply for another name with the right ID first, then the right one. */
        WRONG_QUESTION_FIRST,
        SERVFAIL,
        REFUSED
    }

    private final List<Record> records = new CopyOnWriteArrayList<>();
    private final List<Message> queries = new CopyOnWriteArrayList<>();
    private final AtomicInteger udpQueries = new AtomicInteger();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final ScheduledExecutorService delayed = Executors.newSingleThreadScheduledExecutor(daemon("delay"));
    private final ExecutorService threads = Executors.newCachedThreadPool(daemon("io"));
    private volatile Behavior behavior = Behavior.ANSWER;
    private volatile Duration delay = Duration.ZERO;
    private volatile int port;
    private volatile DatagramSocket udp;
    private volatile ServerSocket tcp;

    private FakeUpstream() {
    }

    /** Started on a free port, answering from {@code zoneLines} ("www.example. 30 IN A 192.0.2.1"). */
    public static FakeUpstream start(String... zoneLines) throws IOException {
        FakeUpstream server = new FakeUpstream();
        server.records(zoneLines);
        server.bind(0);
        return server;
    }

    /** Replaces the record set. */
    public FakeUpstream records(String... zoneLines) throws IOException {
        List<Record> parsed = new ArrayList<>();
        for (String line : zoneLines) {
            parsed.add(parse(line));
        }
        records.clear();
        records.addAll(parsed);
        return this;
    }

    public FakeUpstream behave(Behavior behavior) {
        this.behavior = behavior;
        return this;
    }

    /** Every reply is sent this long after its query came. */
    public FakeUpstream delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Queries received over UDP and TCP. */
    public int queryCount() {
        return udpQueries.get() + tcpQueries.get();
    }

    public int tcpQueryCount() {
        return tcpQueries.get();
    }

    /** The queries received, oldest first. */
    public List<Message> queries() {
        return List.copyOf(queries);
    }

    /** Closes the sockets: queries get ICMP port unreachable (UDP) or a refused connection (TCP). */
    public synchronized void stop() {
        close(udp);
        close(tcp);
        udp = null;
        tcp = null;
    }

    /** Listens again on the same port. */
    public synchronized void restart() throws IOException {
        if (udp == null) {
            bind(port);
        }
    }

    @Override
    public void close() {
        stop();
        delayed.shutdownNow();
        threads.shutdownNow();
    }

    /** Binds UDP and TCP on one port; with 0, a free UDP port whose TCP twin is free too (a few tries). */
    private synchronized void bind(int wanted) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                bindOnce(wanted);
                return;
            } catch (java.net.BindException e) {
                if (wanted != 0 || attempt == 20) {
                    throw e;
                }
            }
        }
    }

    private void bindOnce(int wanted) throws IOException {
        DatagramSocket udpSocket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted));
        ServerSocket tcpSocket = new ServerSocket();
        try {
            tcpSocket.setReuseAddress(true);
            tcpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), udpSocket.getLocalPort()));
        } catch (IOException e) {
            udpSocket.close();
            tcpSocket.close();
            throw e;
        }
        udp = udpSocket;
        tcp = tcpSocket;
        port = udpSocket.getLocalPort();
        threads.execute(() -> serveUdp(udpSocket));
        threads.execute(() -> serveTcp(tcpSocket));
    }

    private void serveUdp(DatagramSocket socket) {
        byte[] buffer = new byte[65535];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                udpQueries.incrementAndGet();
                queries.add(query);
                SocketAddress client = packet.getSocketAddress();
                later(() -> {
                    for (byte[] reply : replies(query, false)) {
                        socket.send(new DatagramPacket(reply, reply.length, client));
                    }
                });
            } catch (IOException e) {
                // closed by stop(), or a query dnsjava cannot parse: nothing to answer
            }
        }
    }

    private void serveTcp(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                threads.execute(() -> serveConnection(connection));
            } catch (IOException e) {
                // closed by stop()
            }
        }
    }

    private void serveConnection(Socket connection) {
        try (connection) {
            DataInputStream in = new DataInputStream(connection.getInputStream());
            DataOutputStream out = new DataOutputStream(connection.getOutputStream());
            while (true) {
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                Message query = new Message(wire);
                tcpQueries.incrementAndGet();
                queries.add(query);
                List<byte[]> replies = replies(query, true);
                sleep(delay);
                synchronized (out) {
                    for (byte[] reply : replies) {
                        out.writeShort(reply.length);
                        out.write(reply);
                    }
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the client closed the connection
        }
    }

    private List<byte[]> replies(Message query, boolean overTcp) throws IOException {
        Behavior now = behavior;
        return switch (now) {
            case SILENT -> List.of();
            case SERVFAIL -> List.of(reply(query, Rcode.SERVFAIL).toWire());
            case REFUSED -> List.of(reply(query, Rcode.REFUSED).toWire());
            case TRUNCATE_UDP -> overTcp ? List.of(answer(query).toWire()) : List.of(truncated(query));
            case WRONG_ID_FIRST -> List.of(wrongId(query), limited(query, answer(query), overTcp));
            case WRONG_QUESTION_FIRST -> List.of(wrongQuestion(query), limited(query, answer(query), overTcp));
            case ANSWER -> List.of(limited(query, answer(query), overTcp));
        };
    }

    /** The answer for the query's question from the records: NOERROR, NODATA or NXDOMAIN (with the SOA). */
    private Message answer(Message query) {
        Record question = query.getQuestion();
        boolean nameExists = false;
        Message reply = reply(query, Rcode.NOERROR);
        for (Record record : records) {
            if (record.getName().equals(question.getName())) {
                nameExists = true;
                if (record.getType() == question.getType() || question.getType() == Type.ANY) {
                    reply.addRecord(record, Section.ANSWER);
                }
            }
        }
        if (reply.getSection(Section.ANSWER).isEmpty()) {
            if (!nameExists && !question.getName().equals(Name.root)) {
                reply.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            records.stream().filter(r -> r.getType() == Type.SOA).forEach(r -> reply.addRecord(r, Section.AUTHORITY));
        }
        return reply;
    }

    private static Message reply(Message query, int rcode) {
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            reply.getHeader().setFlag(Flags.RD);
        }
        if (query.getHeader().getFlag(Flags.CD)) {
            reply.getHeader().setFlag(Flags.CD);
        }
        reply.getHeader().setRcode(rcode);
        reply.addRecord(query.getQuestion(), Section.QUESTION);
        OPTRecord opt = query.getOPT();
        if (opt != null) {
            reply.addRecord(new OPTRecord(1232, 0, 0, opt.getFlags() & 0x8000), Section.ADDITIONAL);
        }
        return reply;
    }

    /** The reply cut to the query's UDP payload (512 without EDNS), TC=1 when cut. */
    private static byte[] limited(Message query, Message reply, boolean overTcp) {
        if (overTcp) {
            return reply.toWire();
        }
        OPTRecord opt = query.getOPT();
        return reply.toWire(opt == null ? 512 : Math.max(512, opt.getPayloadSize()));
    }

    private static byte[] truncated(Message query) {
        Message reply = reply(query, Rcode.NOERROR);
        reply.getHeader().setFlag(Flags.TC);
        return reply.toWire();
    }

    private byte[] wrongId(Message query) {
        Message reply = answer(query);
        reply.getHeader().setID((query.getHeader().getID() + 1) & 0xffff);
        return reply.toWire();
    }

    private byte[] wrongQuestion(Message query) throws IOException {
        Record question = query.getQuestion();
        Name other = Name.concatenate(Name.fromConstantString("spoofed"), question.getName());
        Message reply = reply(query, Rcode.NOERROR);
        reply.removeAllRecords(Section.QUESTION);
        reply.addRecord(Record.newRecord(other, question.getType(), question.getDClass()), Section.QUESTION);
        reply.addRecord(Record.fromString(other, Type.A, DClass.IN, 300, "192.0.2.66", Name.root), Section.ANSWER);
        return reply.toWire();
    }

    private void later(IoTask task) {
        Runnable send = () -> {
            try {
                task.run();
            } catch (IOException e) {
                // stopped meanwhile
            }
        };
        if (delay.isZero()) {
            send.run();
        } else {
            delayed.schedule(send, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private static Record parse(String line) throws IOException {
        String[] f = line.trim().split("\\s+", 5);
        if (f.length < 5) {
            throw new IllegalArgumentException("want 'name ttl class type rdata', got: " + line);
        }
        return Record.fromString(Name.fromString(f[0], Name.root), Type.value(f[3]), DClass.value(f[2]),
                Long.parseLong(f[1]), f[4], Name.root);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(AutoCloseable socket) {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (Exception e) {
            // already closed
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger next = new AtomicInteger(1);
        return task -> {
            Thread thread = new Thread(task, "fake-upstream-" + name + "-" + next.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }

    @FunctionalInterface
    private interface IoTask {
        void run() throws IOException;
    }
}
