package dev.meshdns.forward;

import static dev.meshdns.forward.Messages.ednsQuery;
import static dev.meshdns.forward.Messages.query;
import static dev.meshdns.forward.Messages.section;
import static dev.meshdns.forward.Messages.withCd;
import static dev.meshdns.forward.Messages.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.forward.Messages.FakeTicker;
import dev.meshdns.forward.Messages.Query;
import dev.meshdns.forward.Messages.Reply;
import dev.meshdns.table.ExtendedError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The answer cache's TTL rules (DNS-BEHAVIOR "Cache"), serve-stale window and key. */
class AnswerCacheTest {
    private static final String SOA = "example.com. 900 IN SOA ns.example.com. admin.example.com. 1 7200 900 1209600 60";

    private final FakeTicker ticker = new FakeTicker();
    private final AnswerCache cache = new AnswerCache(1000, Duration.ofHours(1), ticker);

    private static Query www() {
        return Query.udp(query("www.example.com.", Type.A));
    }

    private CachedAnswer putA(Query q, long ttl) {
        return put(cache, q, reply(Reply.to(q).answer("www.example.com. " + ttl + " IN A 192.0.2.1")));
    }

    private static byte[] reply(Reply r) {
        return r.wire();
    }

    private long answerTtl(Query q) {
        CachedAnswer hit = cache.lookup(q.wire(), q.state());
        assertThat(hit).as("cached").isNotNull();
        return written(hit, q, cache.nowNanos(), false).getSection(Section.ANSWER).get(0).getTTL();
    }

    @Test
    void answerIsCachedAndItsTtlCountsDown() {
        putA(www(), 300);
        assertThat(answerTtl(www())).isEqualTo(300);
        ticker.advanceSeconds(100);
        assertThat(answerTtl(www())).isEqualTo(200);
        assertThat(cache.lookup(www().wire(), www().state()).fresh(cache.nowNanos())).isTrue();
        ticker.advanceSeconds(200);
        CachedAnswer expired = cache.lookup(www().wire(), www().state());
        assertThat(expired.fresh(cache.nowNanos())).isFalse();
        assertThat(expired.usableStale(cache.nowNanos())).isTrue();
        assertThat(written(expired, www(), cache.nowNanos(), false).getSection(Section.ANSWER).get(0).getTTL())
                .as("never below 0").isZero();
    }

    @Test
    void positiveTtlIsCappedAtOneHour() {
        CachedAnswer answer = putA(www(), 86400);
        assertThat(answerTtl(www())).isEqualTo(3600);
        ticker.advanceSeconds(3599);
        assertThat(answer.fresh(cache.nowNanos())).isTrue();
        ticker.advanceSeconds(1);
        assertThat(answer.fresh(cache.nowNanos())).isFalse();
    }

    @Test
    void positiveTtlIsTheLeastOfTheAnswerRecords() {
        Query q = www();
        CachedAnswer answer = put(cache, q, reply(Reply.to(q).answer(
                "www.example.com. 600 IN CNAME web.example.net.", "web.example.net. 20 IN A 192.0.2.1")));
        ticker.advanceSeconds(19);
        assertThat(answer.fresh(cache.nowNanos())).isTrue();
        assertThat(written(answer, q, cache.nowNanos(), false).getSection(Section.ANSWER))
                .extracting(Record::getTTL).containsExactly(581L, 1L);
        ticker.advanceSeconds(1);
        assertThat(answer.fresh(cache.nowNanos())).isFalse();
    }

    @Test
    void shortTtlIsFlooredAtFiveSecondsButNeverWrittenBelowZero() {
        CachedAnswer answer = putA(www(), 1);
        ticker.advanceSeconds(4);
        assertThat(answer.fresh(cache.nowNanos())).isTrue();
        assertThat(answerTtl(www())).isZero();
        ticker.advanceSeconds(1);
        assertThat(answer.fresh(cache.nowNanos())).isFalse();
    }

    @Test
    void nxdomainWithSoaIsCachedForTheLesserOfSoaTtlAndMinimum() {
        Query q = Query.udp(query("nope.example.com.", Type.A));
        CachedAnswer answer = put(cache, q, reply(Reply.to(q).rcode(Rcode.NXDOMAIN).authority(SOA)));
        assertThat(answer.kind()).isEqualTo(CachedAnswer.Kind.DENIAL);
        ticker.advanceSeconds(10);
        CachedAnswer hit = cache.lookup(q.wire(), q.state());
        Message m = written(hit, q, cache.nowNanos(), false);
        assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(m.getSection(Section.AUTHORITY).get(0).getTTL()).as("SOA TTL: min(900, 60) - 10").isEqualTo(50);
        ticker.advanceSeconds(49);
        assertThat(hit.fresh(cache.nowNanos())).isTrue();
        ticker.advanceSeconds(1);
        assertThat(hit.fresh(cache.nowNanos())).isFalse();
    }

    @Test
    void negativeTtlIsCappedAtFiveMinutes() {
        Query q = Query.udp(query("nope.example.com.", Type.A));
        CachedAnswer answer = put(cache, q, reply(Reply.to(q).rcode(Rcode.NXDOMAIN).authority(
                "example.com. 86400 IN SOA ns.example.com. admin.example.com. 1 7200 900 1209600 86400")));
        ticker.advanceSeconds(299);
        assertThat(answer.fresh(cache.nowNanos())).isTrue();
        ticker.advanceSeconds(1);
        assertThat(answer.fresh(cache.nowNanos())).isFalse();
    }

    @Test
    void nodataWithSoaIsCachedAsDenial() {
        Query q = Query.udp(query("www.example.com.", Type.AAAA));
        CachedAnswer answer = put(cache, q, reply(Reply.to(q).authority(SOA)));
        assertThat(answer.kind()).isEqualTo(CachedAnswer.Kind.DENIAL);
        assertThat(cache.lookup(q.wire(), q.state())).isSameAs(answer);
        Message m = written(answer, q, cache.nowNanos(), false);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(section(m, Section.AUTHORITY)).containsExactly(
                "example.com. 60 IN SOA ns.example.com. admin.example.com. 1 7200 900 1209600 60");
    }

    @Test
    void denialWithoutSoaIsAnsweredButNotCached() {
        Query q = Query.udp(query("nope.example.com.", Type.A));
        CachedAnswer answer = put(cache, q, reply(Reply.to(q).rcode(Rcode.NXDOMAIN)));
        assertThat(written(answer, q, cache.nowNanos(), false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(cache.lookup(q.wire(), q.state())).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void refusedFromUpstreamIsAnsweredButNotCached() {
        Query q = www();
        CachedAnswer answer = put(cache, q, reply(Reply.to(q).rcode(Rcode.REFUSED)));
        assertThat(answer.rcode()).isEqualTo(Rcode.REFUSED);
        assertThat(cache.lookup(q.wire(), q.state())).isNull();
    }

    @Test
    void failureIsCachedForFiveSecondsWithItsExtendedError() {
        Query q = Query.udp(ednsQuery("www.example.com.", Type.A, 1232, false));
        byte[] ede = ExtendedError.of(22, "no upstream answered");
        CachedAnswer failure = cache.putFailure(q.wire(), q.state(), ede);
        assertThat(failure.kind()).isEqualTo(CachedAnswer.Kind.FAILURE);
        ticker.advanceSeconds(4);
        CachedAnswer hit = cache.lookup(q.wire(), q.state());
        assertThat(hit).isSameAs(failure);
        assertThat(hit.fresh(cache.nowNanos())).isTrue();
        Message m = written(hit, q, cache.nowNanos(), false);
        assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(m.getOPT().getOptions()).hasSize(1);
        assertThat(m.getOPT().getOptions().get(0).toString()).contains("no upstream answered");
        ticker.advanceSeconds(1);
        assertThat(cache.lookup(q.wire(), q.state())).as("gone after 5 s").isNull();
    }

    @Test
    void servfailFromUpstreamIsCachedAsFailure() {
        Query q = www();
        CachedAnswer answer = put(cache, q, reply(Reply.to(q).rcode(Rcode.SERVFAIL)));
        assertThat(answer.kind()).isEqualTo(CachedAnswer.Kind.FAILURE);
        ticker.advanceSeconds(5);
        assertThat(cache.lookup(q.wire(), q.state())).isNull();
    }

    @Test
    void failureKeepsAUsableStaleAnswerAndHoldsItForFiveSeconds() {
        CachedAnswer answer = putA(www(), 60);
        ticker.advanceSeconds(120);
        CachedAnswer kept = cache.putFailure(www().wire(), www().state(), ExtendedError.of(22, "timeout"));
        assertThat(kept).isSameAs(answer);
        assertThat(kept.fresh(cache.nowNanos())).isFalse();
        ticker.advanceSeconds(4);
        CachedAnswer hit = cache.lookup(www().wire(), www().state());
        assertThat(hit).isSameAs(answer);
        assertThat(hit.heldStale(cache.nowNanos())).as("serve stale without asking upstream").isTrue();
        ticker.advanceSeconds(1);
        assertThat(hit.heldStale(cache.nowNanos())).as("ask upstream again").isFalse();
        assertThat(hit.usableStale(cache.nowNanos())).isTrue();
    }

    @Test
    void staleAnswerIsGoneAfterTheServeStaleWindow() {
        CachedAnswer answer = putA(www(), 60);
        ticker.advanceSeconds(60 + 3599);
        assertThat(cache.lookup(www().wire(), www().state())).isSameAs(answer);
        assertThat(answer.usableStale(cache.nowNanos())).isTrue();
        ticker.advanceSeconds(1);
        assertThat(answer.usableStale(cache.nowNanos())).isFalse();
        assertThat(cache.lookup(www().wire(), www().state())).isNull();
        assertThat(cache.putFailure(www().wire(), www().state(), null).kind()).isEqualTo(CachedAnswer.Kind.FAILURE);
    }

    @Test
    void serveStaleOffDropsAnswersAtTheirTtl() {
        AnswerCache noStale = new AnswerCache(1000, Duration.ZERO, ticker);
        Query q = www();
        put(noStale, q, reply(Reply.to(q).answer("www.example.com. 60 IN A 192.0.2.1")));
        ticker.advanceSeconds(59);
        assertThat(noStale.lookup(q.wire(), q.state())).isNotNull();
        ticker.advanceSeconds(1);
        assertThat(noStale.lookup(q.wire(), q.state())).isNull();
        assertThat(noStale.putFailure(q.wire(), q.state(), null).kind()).isEqualTo(CachedAnswer.Kind.FAILURE);
    }

    @Test
    void keyDistinguishesDoCdTypeAndClassButNotCase() {
        putA(www(), 300);
        assertThat(lookup(query("WWW.Example.COM.", Type.A))).as("case").isNotNull();
        assertThat(lookup(ednsQuery("www.example.com.", Type.A, 1232, false))).as("EDNS without DO").isNotNull();
        assertThat(lookup(ednsQuery("www.example.com.", Type.A, 1232, true))).as("DO").isNull();
        assertThat(lookup(withCd(query("www.example.com.", Type.A)))).as("CD").isNull();
        assertThat(lookup(query("www.example.com.", Type.AAAA))).as("type").isNull();
        assertThat(lookup(Message.newQuery(Record.newRecord(name("www.example.com."), Type.A, DClass.CH))))
                .as("class").isNull();
        assertThat(lookup(query("www.example.org.", Type.A))).as("name").isNull();
    }

    @Test
    void keyFoldsOnlyAsciiLettersOfTheName() {
        String longName = "a-rather-long-label-name.with-several.labels-in-it.Example.COM.";
        Query stored = Query.udp(query(longName, 65));
        put(cache, stored, reply(Reply.to(stored).answer(longName + " 60 IN A 192.0.2.1")));
        assertThat(lookup(query(longName.toUpperCase(java.util.Locale.ROOT), 65))).as("case, 8 bytes at a time").isNotNull();
        assertThat(lookup(query(longName, 97))).as("type 0x0041 is not type 0x0061").isNull();
        Query binary = Query.udp(query("\\193x.example.com.", Type.A));
        put(cache, binary, reply(Reply.to(binary).answer("\\193x.example.com. 60 IN A 192.0.2.1")));
        assertThat(lookup(query("\\225x.example.com.", Type.A))).as("0xC1 is not folded to 0xE1").isNull();
        assertThat(lookup(query("\\193X.example.com.", Type.A))).isNotNull();
    }

    private CachedAnswer lookup(Message m) {
        Query q = Query.udp(m);
        return cache.lookup(q.wire(), q.state());
    }

    private static Name name(String s) {
        return Name.fromConstantString(s);
    }

    @Test
    void zeroEntriesTurnsCachingOff() {
        AnswerCache off = new AnswerCache(0, Duration.ofHours(1), ticker);
        Query q = www();
        CachedAnswer answer = put(off, q, reply(Reply.to(q).answer("www.example.com. 60 IN A 192.0.2.1")));
        assertThat(section(written(answer, q, off.nowNanos(), false), Section.ANSWER))
                .containsExactly("www.example.com. 60 IN A 192.0.2.1");
        assertThat(off.lookup(q.wire(), q.state())).isNull();
        assertThat(off.size()).isZero();
        assertThat(off.putFailure(q.wire(), q.state(), null).rcode()).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void entriesAreBoundedByMaxEntries() {
        AnswerCache small = new AnswerCache(10, Duration.ofHours(1), ticker);
        for (int i = 0; i < 100; i++) {
            Query q = Query.udp(query("host-" + i + ".example.com.", Type.A));
            put(small, q, reply(Reply.to(q).answer("host-" + i + ".example.com. 60 IN A 192.0.2.1")));
        }
        small.cleanUp();
        assertThat(small.size()).isLessThanOrEqualTo(10);
    }

    @Test
    void truncatedReplyIsRefused() {
        Query q = www();
        byte[] truncated = reply(Reply.to(q).truncated());
        assertThatThrownBy(() -> cache.put(q.wire(), q.state(), truncated, truncated.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThat(cache.size()).isZero();
    }

    @Test
    void replyToAnotherQuestionIsRefused() {
        Query other = Query.udp(query("www.example.org.", Type.A));
        byte[] wrong = reply(Reply.to(other).answer("www.example.org. 60 IN A 192.0.2.1"));
        assertThatThrownBy(() -> cache.put(www().wire(), www().state(), wrong, wrong.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("question");
    }

    @Test
    void replyWithRecordsOverrunningItIsRefused() {
        Query q = www();
        byte[] full = reply(Reply.to(q).answer("www.example.com. 60 IN A 192.0.2.1"));
        assertThatThrownBy(() -> cache.put(q.wire(), q.state(), full, full.length - 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overruns");
    }

    @Test
    void replyWhoseHeaderCountsMoreRecordsThanItsBytesCanHoldIsRefusedBeforeReadingThem() {
        Query q = www();
        byte[] inflated = reply(Reply.to(q).answer("www.example.com. 60 IN A 192.0.2.1"));
        for (int count = 6; count < 12; count++) {
            inflated[count] = (byte) 0xff;
        }
        assertThatThrownBy(() -> cache.put(q.wire(), q.state(), inflated, inflated.length))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("upstream reply: 196605 records cannot fit in its 16 bytes after the question");
    }

    @Test
    void replyWithAnExtendedRcodeIsRefused() {
        Query q = Query.udp(ednsQuery("www.example.com.", Type.A, 1232, false));
        byte[] badCookie = reply(Reply.to(q).opt());
        badCookie[badCookie.length - 11 + 5] = 1; // BADCOOKIE (23): extended rcode 1, low bits 7
        badCookie[3] = (byte) ((badCookie[3] & 0xf0) | 7);
        assertThatThrownBy(() -> cache.put(q.wire(), q.state(), badCookie, badCookie.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extended rcode 23");
    }

    @Test
    void lookupsCountHitsByKindAndMisses() {
        List<String> events = new ArrayList<>();
        AnswerCache counted = new AnswerCache(100, Duration.ofHours(1), ticker, new CacheMetrics() {
            @Override
            public void cacheHit(CachedAnswer.Kind kind) {
                events.add("hit " + kind);
            }

            @Override
            public void cacheMiss() {
                events.add("miss");
            }

            @Override
            public void staleServed() {
                events.add("stale");
            }
        });
        Query q = www();
        counted.lookup(q.wire(), q.state());
        put(counted, q, reply(Reply.to(q).answer("www.example.com. 60 IN A 192.0.2.1")));
        counted.lookup(q.wire(), q.state());
        ticker.advanceSeconds(60);
        counted.lookup(q.wire(), q.state());
        counted.putFailure(q.wire(), q.state(), null);
        counted.lookup(q.wire(), q.state());
        assertThat(events).containsExactly("miss", "hit SUCCESS", "miss", "hit SUCCESS", "stale");
    }

    private static CachedAnswer put(AnswerCache cache, Query q, byte[] reply) {
        return cache.put(q.wire(), q.state(), reply, reply.length);
    }
}
