package dev.meshdns.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.meshdns.forward.FakeUpstream.Behavior;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The forwarder against real upstream servers on 127.0.0.1 (FakeUpstream), over real sockets. */
@Timeout(30)
class UpstreamForwarderIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String WWW = "www.example. 300 IN A 192.0.2.1";

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = clock::get;
    private final RecordingMetrics metrics = new RecordingMetrics();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void answersThroughTheUpstreamWithRaNotAaAndTheClientsIdAndQuestionCase() throws Exception {
        FakeUpstream upstream = upstream(WWW);
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), upstream);

        Message query = query("WwW.ExAmPle.", Type.A, true);
        Message reply = ask(forwarder, query, false).get(10, TimeUnit.SECONDS);

        assertThat(reply.getHeader().getID()).isEqualTo(query.getHeader().getID());
        assertThat(reply.getQuestion().getName().toString()).isEqualTo("WwW.ExAmPle.");
        assertThat(reply.getHeader().getFlag(Flags.RA)).as("RA").isTrue();
        assertThat(reply.getHeader().getFlag(Flags.AA)).as("AA").isFalse();
        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(reply)).containsExactly("www.example. 300 IN A 192.0.2.1");
        assertThat(reply.getOPT().getPayloadSize()).isEqualTo(1232);
    }

    @Test
    void upstreamQueryHasRdTheClientsCdAndDoAndPayload1232() throws Exception {
        FakeUpstream upstream = upstream(WWW);
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), upstream);
        Message query = query("www.example.", Type.A, true);
        query.getHeader().setFlag(Flags.CD);
        query.getHeader().unsetFlag(Flags.RD);
        query.removeAllRecords(Section.ADDITIONAL);
        query.addRecord(new OPTRecord(4096, 0, 0, Flags.DO), Section.ADDITIONAL);

        ask(forwarder, query, false).get(10, TimeUnit.SECONDS);

        Message sent = upstream.queries().get(0);
        assertThat(sent.getHeader().getFlag(Flags.RD)).as("RD").isTrue();
        assertThat(sent.getHeader().getFlag(Flags.CD)).as("CD").isTrue();
        assertThat(sent.getOPT().getPayloadSize()).isEqualTo(1232);
        assertThat(sent.getOPT().getFlags() & Flags.DO).as("DO").isEqualTo(Flags.DO);
        assertThat(sent.getQuestion()).isEqualTo(query.getQuestion());
    }

    @Test
    void clientCookieStaysHereAndRepliesMissOrHitCarryTheCookieTheResolverMade() throws Exception {
        FakeUpstream upstream = upstream(WWW);
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), upstream);
        byte[] client = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] server = {1, 0, 0, 0, 0x5c, (byte) 0xf7, (byte) 0x9f, 0x11, 9, 9, 9, 9, 9, 9, 9, 9};
        Message query = query("www.example.", Type.A, false);
        query.addRecord(new OPTRecord(1232, 0, 0, 0, new CookieOption(client)), Section.ADDITIONAL);
        byte[] replyCookie = new byte[24];
        System.arraycopy(client, 0, replyCookie, 0, 8);
        System.arraycopy(server, 0, replyCookie, 8, 16);

        Message miss = ask(forwarder, query, false, replyCookie).get(10, TimeUnit.SECONDS);
        Message hit = ask(forwarder, query, false, replyCookie).get(10, TimeUnit.SECONDS);

        assertThat(upstream.queries()).hasSize(1);
        assertThat(upstream.queries().get(0).getOPT().getOptions(EDNSOption.Code.COOKIE))
                .as("COOKIE is hop-by-hop: not sent upstream").isEmpty();
        for (Message reply : List.of(miss, hit)) {
            List<EDNSOption> cookies = reply.getOPT().getOptions(EDNSOption.Code.COOKIE);
            assertThat(cookies).hasSize(1);
            assertThat(((CookieOption) cookies.get(0)).getClientCookie()).isEqualTo(client);
            assertThat(((CookieOption) cookies.get(0)).getServerCookie()).hasValue(server);
        }
    }

    @Test
    void cacheHitIsAnsweredAtOnceWithoutAskingUpstreamAgain() throws Exception {
        FakeUpstream upstream = upstream(WWW);
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), upstream);
        ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(10));

        byte[] out = new byte[65535];
        byte[] wire = query("WWW.example.", Type.A, false).toWire();
        int length = forwarder.forward(wire, wire.length, false, null, out, () -> (r, l) -> {
            throw new AssertionError("a cache hit is answered at once");
        });

        assertThat(length).isPositive();
        Message hit = new Message(Arrays.copyOf(out, length));
        assertThat(answers(hit)).containsExactly("www.example. 290 IN A 192.0.2.1");
        assertThat(hit.getQuestion().getName().toString()).isEqualTo("WWW.example.");
        assertThat(upstream.queryCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Behavior.class, names = {"SILENT", "SERVFAIL", "REFUSED"})
    void failsOverToTheSecondUpstreamWithinTheDeadline(Behavior first) throws Exception {
        FakeUpstream broken = upstream(WWW).behave(first);
        FakeUpstream good = upstream(WWW);
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), broken, good);

        long start = System.nanoTime();
        Message reply = ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);

        assertThat(elapsedMillis(start)).isLessThan(2000);
        assertThat(answers(reply)).containsExactly("www.example. 300 IN A 192.0.2.1");
        assertThat(broken.queryCount()).isEqualTo(1);
        assertThat(good.queryCount()).isEqualTo(1);
    }

    @Test
    void allTimingOutIsServfailWithEde22NamingTheUpstreamsWithinTheTimeout() throws Exception {
        FakeUpstream one = upstream(WWW).behave(Behavior.SILENT);
        FakeUpstream two = upstream(WWW).behave(Behavior.SILENT);
        UpstreamForwarder forwarder = forwarder(Duration.ofMillis(600), one, two);

        long start = System.nanoTime();
        Message reply = ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);

        assertThat(elapsedMillis(start)).isBetween(550L, 1500L);
        assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
        ExtendedErrorCodeOption ede = ede(reply);
        assertThat(ede.getErrorCode()).isEqualTo(ExtendedErrorCodeOption.NO_REACHABLE_AUTHORITY);
        assertThat(ede.getText()).contains(name(one) + " timeout", name(two) + " timeout");
    }

    @Test
    void allRefusingOrFailingIsServfailWithEde23() throws Exception {
        FakeUpstream one = upstream(WWW).behave(Behavior.SERVFAIL);
        FakeUpstream two = upstream(WWW).behave(Behavior.REFUSED);
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), one, two);

        Message reply = ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);

        assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
        ExtendedErrorCodeOption ede = ede(reply);
        assertThat(ede.getErrorCode()).isEqualTo(ExtendedErrorCodeOption.NETWORK_ERROR);
        assertThat(ede.getText()).contains(name(one) + " SERVFAIL", name(two) + " REFUSED");
    }

    @Test
    void noUpstreamIsServfailWithEde22() throws Exception {
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2));

        Message reply = ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);

        assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ede(reply).getErrorCode()).isEqualTo(ExtendedErrorCodeOption.NO_REACHABLE_AUTHORITY);
    }

    @Test
    void staleAnswerIsServedAfterTheUpstreamDiesWithTtl30AndEde3() throws Exception {
        FakeUpstream upstream = upstream("www.example. 5 IN A 192.0.2.1");
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), upstream);
        ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);
        upstream.stop();
        clock.addAndGet(TimeUnit.SECONDS.toNanos(60));

        Message stale = ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);

        assertThat(stale.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(stale)).containsExactly("www.example. 30 IN A 192.0.2.1");
        assertThat(ede(stale).getErrorCode()).isEqualTo(ExtendedErrorCodeOption.STALE_ANSWER);
        byte[] out = new byte[65535];
        byte[] wire = query("www.example.", Type.A, true).toWire();
        assertThat(forwarder.forward(wire, wire.length, false, null, out, () -> (r, l) -> { }))
                .as("held stale after the failure: answered at once").isPositive();
    }

    @Test
    void staleAnswerIsServedWhenTheUpstreamIsSlowAndTheCacheIsRefreshedAfter() throws Exception {
        FakeUpstream upstream = upstream("www.example. 5 IN A 192.0.2.1");
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(5), Duration.ofMillis(200), 1024, upstream);
        ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);
        upstream.records("www.example. 5 IN A 192.0.2.2").delay(Duration.ofMillis(800));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(60));

        long start = System.nanoTime();
        Message stale = ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);

        assertThat(elapsedMillis(start)).isLessThan(800);
        assertThat(answers(stale)).containsExactly("www.example. 30 IN A 192.0.2.1");
        assertThat(ede(stale).getErrorCode()).isEqualTo(ExtendedErrorCodeOption.STALE_ANSWER);
        await(() -> forwarder.outstanding() == 0);
        Message fresh = ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);
        assertThat(answers(fresh)).containsExactly("www.example. 5 IN A 192.0.2.2");
    }

    @Test
    void truncatedUdpReplyIsRetriedOverTcp() throws Exception {
        FakeUpstream upstream = upstream(WWW).behave(Behavior.TRUNCATE_UDP);
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), upstream);

        Message reply = ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);

        assertThat(reply.getHeader().getFlag(Flags.TC)).as("TC").isFalse();
        assertThat(answers(reply)).containsExactly("www.example. 300 IN A 192.0.2.1");
        assertThat(upstream.tcpQueryCount()).isEqualTo(1);
    }

    @Test
    void answerLargerThan1232IsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        FakeUpstream upstream = upstream(bigTxt());
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), upstream);

        Message udp = ask(forwarder, query("big.example.", Type.TXT, true), false).get(10, TimeUnit.SECONDS);
        Message tcp = ask(forwarder, query("big.example.", Type.TXT, true), true).get(10, TimeUnit.SECONDS);

        assertThat(udp.getHeader().getFlag(Flags.TC)).as("TC over UDP").isTrue();
        assertThat(udp.getSection(Section.ANSWER)).isEmpty();
        assertThat(tcp.getHeader().getFlag(Flags.TC)).as("TC over TCP").isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(10);
        assertThat(upstream.tcpQueryCount()).as("upstream truncated at 1232: retried over TCP").isEqualTo(1);
    }

    @Test
    void clientTcpQueryGetsTheWholeLargeAnswerOnAMiss() throws Exception {
        FakeUpstream upstream = upstream(bigTxt());
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), upstream);

        Message tcp = ask(forwarder, query("big.example.", Type.TXT, false), true).get(10, TimeUnit.SECONDS);

        assertThat(tcp.getHeader().getFlag(Flags.TC)).as("TC").isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(10);
        assertThat(tcp.getOPT()).as("no OPT without one in the query").isNull();
    }

    @ParameterizedTest
    @EnumSource(value = Behavior.class, names = {"WRONG_ID_FIRST", "WRONG_QUESTION_FIRST"})
    void mismatchedReplyIsDroppedAndCountedAndTheRightOneAccepted(Behavior behavior) throws Exception {
        FakeUpstream upstream = upstream(WWW).behave(behavior);
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), upstream);

        Message reply = ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);

        assertThat(answers(reply)).containsExactly("www.example. 300 IN A 192.0.2.1");
        assertThat(metrics.mismatched).hasValue(1);
    }

    @Test
    void twentyIdenticalQueriesInFlightShareOneUpstreamQuery() throws Exception {
        FakeUpstream upstream = upstream(WWW).delay(Duration.ofMillis(300));
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), upstream);

        List<Message> queries = new ArrayList<>();
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Message query = query(i % 2 == 0 ? "www.example." : "WWW.EXAMPLE.", Type.A, i % 3 == 0);
            queries.add(query);
            replies.add(ask(forwarder, query, false));
        }

        for (int i = 0; i < 20; i++) {
            Message reply = replies.get(i).get(10, TimeUnit.SECONDS);
            assertThat(reply.getHeader().getID()).isEqualTo(queries.get(i).getHeader().getID());
            assertThat(reply.getQuestion().getName().toString()).isEqualTo(queries.get(i).getQuestion().getName().toString());
            assertThat(reply.getOPT() != null).as("OPT iff the client sent one").isEqualTo(i % 3 == 0);
            assertThat(answers(reply)).containsExactly("www.example. 300 IN A 192.0.2.1");
        }
        assertThat(upstream.queryCount()).isEqualTo(1);
        assertThat(metrics.coalesced).hasValue(19);
    }

    @Test
    void overTheOutstandingBoundIsServfailAtOnceAndCounted() throws Exception {
        FakeUpstream upstream = upstream(WWW).behave(Behavior.SILENT);
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(5), Duration.ofMillis(1800), 2, upstream);
        CompletableFuture<Message> one = ask(forwarder, query("one.example.", Type.A, true), false);
        CompletableFuture<Message> two = ask(forwarder, query("two.example.", Type.A, true), false);

        byte[] out = new byte[65535];
        byte[] wire = query("three.example.", Type.A, true).toWire();
        int length = forwarder.forward(wire, wire.length, false, null, out, () -> (r, l) -> {
            throw new AssertionError("over the bound is answered at once");
        });

        Message reply = new Message(Arrays.copyOf(out, length));
        assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ede(reply).getText()).isEqualTo("too many outstanding upstream queries");
        assertThat(metrics.overloaded).hasValue(1);
        forwarder.close();
        assertThat(one.get(10, TimeUnit.SECONDS).getRcode()).as("answered on close").isEqualTo(Rcode.SERVFAIL);
        assertThat(two.get(10, TimeUnit.SECONDS).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void upstreamFailingTwiceIsDownIsProbedAndIsUpAgainAfterItRestarts() throws Exception {
        FakeUpstream flaky = upstream(WWW);
        FakeUpstream good = upstream(WWW);
        UpstreamForwarder forwarder = forwarder(Duration.ofSeconds(2), flaky, good);
        flaky.stop();

        ask(forwarder, query("www.example.", Type.A, true), false).get(10, TimeUnit.SECONDS);
        assertThat(forwarder.upstreamStatus().get(0).up()).as("up after one failure").isTrue();
        ask(forwarder, query("www.example.", Type.AAAA, true), false).get(10, TimeUnit.SECONDS);

        UpstreamStatus down = forwarder.upstreamStatus().get(0);
        assertThat(down.address()).isEqualTo(flaky.address());
        assertThat(down.up()).isFalse();
        assertThat(down.consecutiveFailures()).isGreaterThanOrEqualTo(2);
        assertThat(down.lastFailure()).isNotEmpty();
        assertThat(metrics.upstreamsUp.getAsInt()).isEqualTo(1);

        forwarder.upstreams(List.of(good.address(), flaky.address()));
        assertThat(forwarder.upstreamStatus()).extracting(UpstreamStatus::up).containsExactly(true, false);
        ask(forwarder, query("www.example.", Type.TXT, true), false).get(10, TimeUnit.SECONDS);
        assertThat(good.queryCount()).as("the down one is not tried first").isEqualTo(3);

        flaky.restart();
        await(() -> forwarder.upstreamStatus().get(1).up());
        assertThat(forwarder.upstreamStatus().get(1).consecutiveFailures()).isZero();
        assertThat(flaky.queries()).extracting(q -> q.getQuestion().getName().toString() + " " + Type.string(
                q.getQuestion().getType())).contains(". NS");
    }

    // --- helpers

    /** Ten 200-byte TXT records: over 2000 bytes. */
    private static String[] bigTxt() {
        String[] txt = new String[10];
        for (int i = 0; i < txt.length; i++) {
            txt[i] = "big.example. 300 IN TXT \"" + String.valueOf((char) ('a' + i)).repeat(200) + "\"";
        }
        return txt;
    }

    private FakeUpstream upstream(String... records) throws IOException {
        FakeUpstream upstream = FakeUpstream.start(records);
        closing.add(upstream);
        return upstream;
    }

    private UpstreamForwarder forwarder(Duration timeout, FakeUpstream... upstreams) {
        return forwarder(timeout, UpstreamForwarder.STALE_AFTER, UpstreamForwarder.MAX_OUTSTANDING, upstreams);
    }

    private UpstreamForwarder forwarder(Duration timeout, Duration staleAfter, int maxOutstanding,
                                        FakeUpstream... upstreams) {
        List<InetSocketAddress> addresses = Arrays.stream(upstreams).map(FakeUpstream::address).toList();
        AnswerCache cache = new AnswerCache(1000, Duration.ofHours(1), ticker, metrics);
        UpstreamForwarder forwarder = new UpstreamForwarder(addresses, timeout, cache, staleAfter, maxOutstanding, metrics);
        closing.add(forwarder);
        return forwarder;
    }

    private static Message query(String name, int type, boolean edns) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        if (edns) {
            query.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        }
        return query;
    }

    /** The reply, at once (a cache hit) or through the sink. */
    private static CompletableFuture<Message> ask(Forwarder forwarder, Message query, boolean tcp) {
        return ask(forwarder, query, tcp, null);
    }

    /** As above, the reply carrying the COOKIE option value {@code cookie} (null: none). */
    private static CompletableFuture<Message> ask(Forwarder forwarder, Message query, boolean tcp, byte[] cookie) {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        byte[] wire = query.toWire();
        byte[] out = new byte[65535];
        int length = forwarder.forward(wire, wire.length, tcp, cookie, out, () -> (bytes, n) -> complete(reply, bytes, n));
        if (length != Forwarder.PENDING) {
            complete(reply, out, length);
        }
        return reply;
    }

    private static void complete(CompletableFuture<Message> reply, byte[] bytes, int length) {
        try {
            reply.complete(new Message(Arrays.copyOf(bytes, length)));
        } catch (IOException e) {
            reply.completeExceptionally(e);
        }
    }

    /** Answer records as zone-file text, names in lower case (owners compressed to the question take its case). */
    private static List<String> answers(Message reply) {
        return reply.getSection(Section.ANSWER).stream()
                .map(r -> r.getName().toString().toLowerCase(java.util.Locale.ROOT) + " " + r.getTTL() + " "
                        + DClass.string(r.getDClass()) + " " + Type.string(r.getType()) + " " + r.rdataToString())
                .toList();
    }

    private static ExtendedErrorCodeOption ede(Message reply) {
        List<EDNSOption> options = reply.getOPT().getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR);
        assertThat(options).as("EDE options").hasSize(1);
        return (ExtendedErrorCodeOption) options.get(0);
    }

    private static String name(FakeUpstream upstream) {
        return "127.0.0.1:" + upstream.address().getPort();
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Waits for a condition that a background task makes true, at most {@link #WAIT}. */
    private static void await(BooleanSupplier condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", WAIT).isLessThan(end);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Counts the events the tests look at. */
    static final class RecordingMetrics implements ForwardMetrics {
        final AtomicInteger mismatched = new AtomicInteger();
        final AtomicInteger coalesced = new AtomicInteger();
        final AtomicInteger overloaded = new AtomicInteger();
        volatile java.util.function.IntSupplier upstreamsUp;

        @Override
        public void gauges(java.util.function.IntSupplier up, java.util.function.IntSupplier outstandingQueries) {
            upstreamsUp = up;
        }

        @Override
        public void mismatchedReplyDropped(InetSocketAddress upstream) {
            mismatched.incrementAndGet();
        }

        @Override
        public void coalesced() {
            coalesced.incrementAndGet();
        }

        @Override
        public void overloaded() {
            overloaded.incrementAndGet();
        }
    }
}
