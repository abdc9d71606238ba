package dev.meshdns.forward;

import static dev.meshdns.forward.Messages.ednsQuery;
import static dev.meshdns.forward.Messages.query;
import static dev.meshdns.forward.Messages.section;
import static dev.meshdns.forward.Messages.withCd;
import static dev.meshdns.forward.Messages.withId;
import static dev.meshdns.forward.Messages.written;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.forward.Messages.FakeTicker;
import dev.meshdns.forward.Messages.Query;
import dev.meshdns.forward.Messages.Reply;
import dev.meshdns.wire.Wire;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** A cached answer written as the reply to a client's query (DNS-BEHAVIOR "Outside the zone"). */
class CachedAnswerTest {
    private static final String A = "www.example.com. 300 IN A 192.0.2.1";

    private final FakeTicker ticker = new FakeTicker();
    private final AnswerCache cache = new AnswerCache(1000, Duration.ofHours(1), ticker);

    private CachedAnswer put(Query q, Reply r) {
        byte[] reply = r.wire();
        return cache.put(q.wire(), q.state(), reply, reply.length);
    }

    private CachedAnswer hit(Query q) {
        CachedAnswer answer = cache.lookup(q.wire(), q.state());
        assertThat(answer).as("cached").isNotNull();
        return answer;
    }

    private byte[] bytes(CachedAnswer answer, Query q, boolean stale) {
        byte[] out = new byte[Wire.MAX_MESSAGE];
        return Arrays.copyOf(out, answer.write(q.wire(), q.state(), Messages.replyCookie(q), out, cache.nowNanos(), stale));
    }

    @Test
    void replyHasTheClientsIdAndQuestionBytes() {
        Query first = Query.udp(query("www.example.com.", Type.A));
        put(first, Reply.to(first).answer(A));
        Query other = Query.udp(withId(query("WwW.ExAmPlE.cOm.", Type.A), 0xbeef));
        byte[] reply = bytes(hit(other), other, false);
        assertThat(Wire.u16(reply, 0)).isEqualTo(0xbeef);
        int questionEnd = other.wire().length;
        assertThat(Arrays.copyOfRange(reply, 12, questionEnd)).isEqualTo(Arrays.copyOfRange(other.wire(), 12, questionEnd));
        Message m = written(hit(other), other, cache.nowNanos(), false);
        assertThat(m.getQuestion().getName().toString()).isEqualTo("WwW.ExAmPlE.cOm.");
        assertThat(lower(section(m, Section.ANSWER))).containsExactlyElementsOf(lower(List.of(A)));
    }

    @Test
    void headerIsRecursionAvailableNotAuthoritativeWithTheClientsRdAndCd() {
        Message noRd = query("www.example.com.", Type.A);
        noRd.getHeader().unsetFlag(Flags.RD);
        Query q = Query.udp(withCd(noRd));
        put(q, Reply.to(q).answer(A));
        Message m = written(hit(q), q, cache.nowNanos(), false);
        assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(m.getHeader().getFlag(Flags.RA)).isTrue();
        assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(m.getHeader().getFlag(Flags.RD)).isFalse();
        assertThat(m.getHeader().getFlag(Flags.CD)).isTrue();
        assertThat(m.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.QUERY);
        Query rd = Query.udp(withCd(query("www.example.com.", Type.A)));
        assertThat(written(hit(rd), rd, cache.nowNanos(), false).getHeader().getFlag(Flags.RD)).isTrue();
    }

    @Test
    void authenticDataOnlyWhenTheClientAskedWithDoOrAd() {
        Query plain = Query.udp(query("www.example.com.", Type.A));
        put(plain, Reply.to(plain).ad().answer(A));
        assertThat(written(hit(plain), plain, cache.nowNanos(), false).getHeader().getFlag(Flags.AD)).isFalse();
        Message adQuery = query("www.example.com.", Type.A);
        adQuery.getHeader().setFlag(Flags.AD);
        Query ad = Query.udp(adQuery);
        assertThat(written(hit(ad), ad, cache.nowNanos(), false).getHeader().getFlag(Flags.AD)).isTrue();
        Query dnssecOk = Query.udp(ednsQuery("www.example.com.", Type.A, 1232, true));
        put(dnssecOk, Reply.to(dnssecOk).ad().answer(A));
        Message m = written(hit(dnssecOk), dnssecOk, cache.nowNanos(), false);
        assertThat(m.getHeader().getFlag(Flags.AD)).isTrue();
        assertThat(m.getOPT().getFlags() & Flags.DO).as("DO copied").isNotZero();
    }

    @Test
    void upstreamOptIsReplacedByOursOnlyWhenTheClientSentOne() {
        Query edns = Query.udp(ednsQuery("www.example.com.", Type.NS, 4096, false));
        put(edns, Reply.to(edns).answer("www.example.com. 300 IN NS ns1.example.com.")
                .additional("ns1.example.com. 300 IN A 192.0.2.53").opt());
        Message m = written(hit(edns), edns, cache.nowNanos(), false);
        assertThat(m.getSection(Section.ADDITIONAL)).hasSize(2); // the glue and our OPT
        OPTRecord opt = m.getOPT();
        assertThat(opt.getPayloadSize()).isEqualTo(Wire.UDP_MAX);
        assertThat(opt.getOptions()).isEmpty();
        assertThat(section(m, Section.ADDITIONAL).get(0)).isEqualTo("ns1.example.com. 300 IN A 192.0.2.53");

        Query plain = Query.udp(query("www.example.com.", Type.NS));
        Message withoutOpt = written(hit(plain), plain, cache.nowNanos(), false);
        assertThat(withoutOpt.getOPT()).isNull();
        assertThat(section(withoutOpt, Section.ADDITIONAL)).containsExactly("ns1.example.com. 300 IN A 192.0.2.53");
    }

    @Test
    void clientCookieIsEchoedWithAServerCookie() {
        byte[] client = {1, 2, 3, 4, 5, 6, 7, 8};
        Message m = query("www.example.com.", Type.A);
        m.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new CookieOption(client))), Section.ADDITIONAL);
        Query q = Query.udp(m);
        put(q, Reply.to(q).answer(A));
        List<EDNSOption> cookies = written(hit(q), q, cache.nowNanos(), false).getOPT().getOptions(EDNSOption.Code.COOKIE);
        assertThat(cookies).hasSize(1);
        assertThat(((CookieOption) cookies.get(0)).getClientCookie()).isEqualTo(client);
    }

    @Test
    void staleAnswerHasTtl30AndExtendedError3() {
        Query q = Query.udp(ednsQuery("www.example.com.", Type.A, 1232, false));
        put(q, Reply.to(q).answer("www.example.com. 60 IN CNAME web.example.net.", "web.example.net. 60 IN A 192.0.2.1"));
        ticker.advanceSeconds(600);
        CachedAnswer stale = hit(q);
        assertThat(stale.usableStale(cache.nowNanos())).isTrue();
        Message m = written(stale, q, cache.nowNanos(), true);
        assertThat(m.getSection(Section.ANSWER)).extracting(r -> r.getTTL()).containsExactly(30L, 30L);
        List<EDNSOption> ede = m.getOPT().getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR);
        assertThat(ede).hasSize(1);
        assertThat(((ExtendedErrorCodeOption) ede.get(0)).getErrorCode()).isEqualTo(ExtendedErrorCodeOption.STALE_ANSWER);
        Query plain = Query.udp(query("www.example.com.", Type.A));
        put(plain, Reply.to(plain).answer(A));
        assertThat(written(hit(plain), plain, cache.nowNanos(), true).getOPT()).as("no OPT without the client's").isNull();
    }

    @Test
    void failureCarriesItsExtendedErrorAndTheUpstreamsRcodeIsKept() {
        Query q = Query.udp(ednsQuery("www.example.com.", Type.A, 1232, false));
        CachedAnswer failure = cache.putFailure(q.wire(), q.state(),
                dev.meshdns.table.ExtendedError.of(ExtendedErrorCodeOption.NETWORK_ERROR, "192.0.2.53:53 unreachable"));
        Message m = written(failure, q, cache.nowNanos(), false);
        assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
        ExtendedErrorCodeOption ede = (ExtendedErrorCodeOption) m.getOPT().getOptions().get(0);
        assertThat(ede.getErrorCode()).isEqualTo(ExtendedErrorCodeOption.NETWORK_ERROR);
        assertThat(ede.getText()).isEqualTo("192.0.2.53:53 unreachable");
        assertThat(m.getHeader().getCount(Section.QUESTION)).isEqualTo(1);
    }

    @Test
    void replyOverTheClientsPayloadIsTruncatedToHeaderQuestionAndOpt() {
        Query q = Query.udp(ednsQuery("www.example.com.", Type.TXT, 1232, false));
        put(q, Reply.to(q).answer(txt(10)));
        Message m = written(hit(q), q, cache.nowNanos(), false);
        assertThat(m.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(m.getSection(Section.ADDITIONAL)).hasSize(1);
        assertThat(m.getOPT()).isNotNull();

        Query tcp = Query.tcp(ednsQuery("www.example.com.", Type.TXT, 1232, false));
        Message whole = written(hit(tcp), tcp, cache.nowNanos(), false);
        assertThat(whole.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(whole.getSection(Section.ANSWER)).hasSize(10);
    }

    @Test
    void withoutEdnsTheLimitIs512() {
        Query q = Query.udp(query("www.example.com.", Type.TXT));
        put(q, Reply.to(q).answer(txt(3))); // about 650 bytes
        Message m = written(hit(q), q, cache.nowNanos(), false);
        assertThat(m.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        Query edns = Query.udp(ednsQuery("www.example.com.", Type.TXT, 1232, false));
        put(edns, Reply.to(edns).answer(txt(3)));
        assertThat(written(hit(edns), edns, cache.nowNanos(), false).getSection(Section.ANSWER)).hasSize(3);
    }

    private static String[] txt(int count) {
        String text = "x".repeat(200);
        return IntStream.range(0, count).mapToObj(i -> "www.example.com. 60 IN TXT \"" + i + text + "\"").toArray(String[]::new);
    }

    @Test
    void compressionPointersStayValidBehindTheClientsQuestion() {
        String[] answer = {
            "www.example.com. 300 IN CNAME edge.www.example.com.",
            "edge.www.example.com. 300 IN MX 10 mail.edge.www.example.com.",
        };
        String[] authority = {"example.com. 300 IN NS ns1.example.com."};
        String[] additional = {"ns1.example.com. 300 IN A 192.0.2.53", "mail.edge.www.example.com. 300 IN A 192.0.2.25"};
        Query upstreamAsked = Query.udp(ednsQuery("www.example.com.", Type.MX, 1232, false));
        byte[] reply = Reply.to(upstreamAsked).answer(answer).authority(authority).additional(additional).opt().wire();
        assertThat(pointers(reply)).as("the upstream reply compresses names").isGreaterThan(4);
        cache.put(upstreamAsked.wire(), upstreamAsked.state(), reply, reply.length);

        Query client = Query.udp(ednsQuery("WWW.EXAMPLE.COM.", Type.MX, 1232, false));
        Message m = written(hit(client), client, cache.nowNanos(), false);
        assertThat(lower(section(m, Section.ANSWER))).containsExactlyElementsOf(lower(List.of(answer)));
        assertThat(lower(section(m, Section.AUTHORITY))).containsExactlyElementsOf(lower(List.of(authority)));
        assertThat(m.getSection(Section.ADDITIONAL)).hasSize(3);
        assertThat(lower(section(m, Section.ADDITIONAL)).subList(0, 2)).containsExactlyElementsOf(lower(List.of(additional)));
        assertThat(m.getSection(Section.ANSWER).get(0).getName().toString()).as("owner via pointer: client's case")
                .isEqualTo("WWW.EXAMPLE.COM.");
    }

    @Test
    void optAmidTheAdditionalSectionDropsThatSection() {
        Query q = Query.udp(query("www.example.com.", Type.NS));
        byte[] reply = Reply.to(q).answer("www.example.com. 300 IN NS ns1.example.com.")
                .additional("ns1.example.com. 300 IN A 192.0.2.53").opt()
                .additional("ns1.example.com. 300 IN AAAA 2001:db8::53").wire();
        assertThat(Wire.u16(reply, 10)).isEqualTo(3);
        CachedAnswer answer = cache.put(q.wire(), q.state(), reply, reply.length);
        Message m = written(answer, q, cache.nowNanos(), false);
        assertThat(section(m, Section.ANSWER)).containsExactly("www.example.com. 300 IN NS ns1.example.com.");
        assertThat(m.getSection(Section.ADDITIONAL)).isEmpty();
    }

    /** Compression pointers in a message, roughly (bytes 0xC0-0xFF followed by an offset past the header). */
    private static int pointers(byte[] b) {
        int n = 0;
        for (int i = 12; i + 1 < b.length; i++) {
            if ((b[i] & 0xC0) == 0xC0 && (((b[i] & 0x3f) << 8) | (b[i + 1] & 0xff)) >= 12) {
                n++;
            }
        }
        return n;
    }

    private static List<String> lower(List<String> records) {
        return records.stream().map(r -> r.toLowerCase(Locale.ROOT)).collect(Collectors.toList());
    }
}
