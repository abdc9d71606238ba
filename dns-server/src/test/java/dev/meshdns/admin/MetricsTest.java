package dev.meshdns.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private final Metrics metrics = Metrics.prometheus();

    @Test
    void buildInfoIsOneTaggedWithTheVersionOfTheBuild() throws IOException {
        assertThat(scrape()).contains("meshdns_build_info{version=\"" + BuildInfo.version() + "\"} 1\n");
    }

    @Test
    void responsesCountByProtoAndRcode() throws IOException {
        metrics.response(Metrics.UDP, 3, 100, 1000);
        metrics.response(Metrics.TCP, 0, 100, 1000);
        metrics.response(Metrics.TCP, 0, 100, 1000);

        assertThat(scrape())
                .contains("meshdns_dns_responses_total{proto=\"udp\",rcode=\"NXDOMAIN\"} 1.0")
                .contains("meshdns_dns_responses_total{proto=\"tcp\",rcode=\"NOERROR\"} 2.0")
                .contains("meshdns_dns_responses_total{proto=\"udp\",rcode=\"NOERROR\"} 0.0");
    }

    @Test
    void requestsCountByProtoFamilyAndBoundedType() throws IOException {
        metrics.request(Metrics.UDP, false, 1, 40);      // A
        metrics.request(Metrics.UDP, false, 1, 40);
        metrics.request(Metrics.TCP, true, 28, 40);      // AAAA from an IPv6 client
        metrics.request(Metrics.UDP, false, 16, 40);     // TXT: other
        metrics.request(Metrics.UDP, false, -1, 12);     // no question: other
        metrics.request(Metrics.UDP, true, 12, 40);      // PTR

        String text = scrape();
        assertThat(text)
                .contains("meshdns_dns_requests_total{family=\"1\",proto=\"udp\",type=\"A\"} 2.0")
                .contains("meshdns_dns_requests_total{family=\"2\",proto=\"tcp\",type=\"AAAA\"} 1.0")
                .contains("meshdns_dns_requests_total{family=\"1\",proto=\"udp\",type=\"other\"} 2.0")
                .contains("meshdns_dns_requests_total{family=\"2\",proto=\"udp\",type=\"PTR\"} 1.0")
                .contains("meshdns_dns_requests_total{family=\"1\",proto=\"tcp\",type=\"SRV\"} 0.0");
        assertThat(text.lines().filter(line -> line.startsWith("meshdns_dns_requests_total{")))
                .as("proto x family x type").hasSize(2 * 2 * 8);
    }

    @Test
    void durationIsACumulativeHistogramWithCoreDnsBucketsInSeconds() throws IOException {
        metrics.response(Metrics.UDP, 0, 100, 100_000);        // 0.1 ms
        metrics.response(Metrics.UDP, 0, 100, 250_000);        // exactly 0.25 ms: le is inclusive
        metrics.response(Metrics.UDP, 0, 100, 3_000_000);      // 3 ms
        metrics.response(Metrics.UDP, 0, 100, 20_000_000_000L); // 20 s: +Inf only

        List<String> udp = scrape().lines()
                .filter(line -> line.startsWith("meshdns_dns_request_duration_seconds_bucket{proto=\"udp\"")).toList();
        assertThat(udp).extracting(line -> line.replaceAll(".*le=\"([^\"]+)\".*", "$1")).containsExactly(
                "2.5E-4", "5.0E-4", "0.001", "0.002", "0.004", "0.008", "0.016", "0.032", "0.064", "0.128", "0.256",
                "0.512", "1.024", "2.048", "4.096", "8.192", "+Inf");
        assertThat(udp).extracting(line -> line.substring(line.lastIndexOf(' ') + 1))
                .containsExactly("2", "2", "2", "2", "3", "3", "3", "3", "3", "3", "3", "3", "3", "3", "3", "3", "4");
        assertThat(scrape())
                .contains("# TYPE meshdns_dns_request_duration_seconds histogram")
                .contains("meshdns_dns_request_duration_seconds_count{proto=\"udp\"} 4")
                .contains("meshdns_dns_request_duration_seconds_sum{proto=\"udp\"} 20.00335")
                .contains("meshdns_dns_request_duration_seconds_count{proto=\"tcp\"} 0");
    }

    @Test
    void requestAndResponseSizesAreHistogramsWithCoreDnsBucketsInBytes() throws IOException {
        metrics.request(Metrics.TCP, false, 1, 45);
        metrics.response(Metrics.TCP, 0, 511, 1000);
        metrics.response(Metrics.TCP, 0, 1400, 1000);

        assertThat(scrape())
                .contains("# TYPE meshdns_dns_request_size_bytes histogram")
                .contains("meshdns_dns_request_size_bytes_bucket{proto=\"tcp\",le=\"0.0\"} 0")
                .contains("meshdns_dns_request_size_bytes_bucket{proto=\"tcp\",le=\"100.0\"} 1")
                .contains("meshdns_dns_request_size_bytes_sum{proto=\"tcp\"} 45.0")
                .contains("meshdns_dns_response_size_bytes_bucket{proto=\"tcp\",le=\"400.0\"} 0")
                .contains("meshdns_dns_response_size_bytes_bucket{proto=\"tcp\",le=\"511.0\"} 1")
                .contains("meshdns_dns_response_size_bytes_bucket{proto=\"tcp\",le=\"2047.0\"} 2")
                .contains("meshdns_dns_response_size_bytes_bucket{proto=\"tcp\",le=\"64000.0\"} 2")
                .contains("meshdns_dns_response_size_bytes_count{proto=\"tcp\"} 2")
                .contains("meshdns_dns_response_size_bytes_sum{proto=\"tcp\"} 1911.0");
    }

    @Test
    void countsOfEveryThreadAreSummed() throws Exception {
        Thread other = new Thread(() -> metrics.response(Metrics.UDP, 3, 100, 1000));
        other.start();
        other.join();
        metrics.response(Metrics.UDP, 3, 100, 1000);

        assertThat(scrape()).contains("meshdns_dns_responses_total{proto=\"udp\",rcode=\"NXDOMAIN\"} 2.0")
                .contains("meshdns_dns_request_duration_seconds_count{proto=\"udp\"} 2");
    }

    @Test
    void syncMetricsReportTheStreamAcksNacksAndResources() throws IOException {
        assertThat(scrape()).doesNotContain("meshdns_sync_");
        metrics.sync().connected(true);
        metrics.sync().resources(12);
        metrics.sync().acked();
        metrics.sync().nacked();

        String text = scrape();
        assertThat(text).contains("meshdns_sync_connected 1.0").contains("meshdns_sync_resources 12.0")
                .contains("meshdns_sync_nacks_total 1.0");
        double age = Double.parseDouble(text.lines().filter(line -> line.startsWith("meshdns_sync_last_ack_age_seconds "))
                .findFirst().orElseThrow().split(" ")[1]);
        assertThat(age).isBetween(0.0, 60.0);

        metrics.sync().connected(false);
        assertThat(scrape()).contains("meshdns_sync_connected 0.0");
    }

    @Test
    void forwarderGaugesKeepTheirSuppliersAcrossGarbageCollections() throws IOException {
        int[] up = {2};
        metrics.forward().gauges(() -> up[0], () -> 7);
        metrics.cacheEntries(() -> 42);
        for (int i = 0; i < 3; i++) {
            System.gc(); // a gauge holds its object weakly unless told otherwise: lambdas would be gone
        }
        up[0] = 1;

        assertThat(scrape()).contains("meshdns_forward_upstreams_up 1.0").contains("meshdns_forward_outstanding 7.0")
                .contains("meshdns_cache_entries 42.0");
    }

    @Test
    void forwarderMetersAreTaggedByUpstreamAndRcodeInBaseUnits() throws IOException {
        java.net.InetSocketAddress upstream = new java.net.InetSocketAddress("10.96.0.10", 53);
        metrics.forward().upstreamRequest(upstream, false);
        metrics.forward().upstreamResponse(upstream, 3, 2_000_000);
        metrics.forward().upstreamFailure(upstream, true, 1_000_000_000);
        metrics.forward().cacheHit(dev.meshdns.forward.CachedAnswer.Kind.DENIAL);

        assertThat(scrape())
                .contains("meshdns_forward_requests_total{transport=\"udp\",upstream=\"10.96.0.10:53\"} 1.0")
                .contains("meshdns_forward_responses_total{rcode=\"NXDOMAIN\",upstream=\"10.96.0.10:53\"} 1.0")
                .contains("meshdns_forward_failures_total{reason=\"timeout\",upstream=\"10.96.0.10:53\"} 1.0")
                .contains("meshdns_forward_request_duration_seconds_count{upstream=\"10.96.0.10:53\"} 2")
                .contains("meshdns_cache_hits_total{kind=\"denial\"} 1.0");
    }

    @Test
    void rcodesWithoutTheirOwnNameShareOther() throws IOException {
        metrics.response(Metrics.UDP, 9, 12, 1000);   // NOTAUTH
        metrics.response(Metrics.UDP, 22, 12, 1000);  // BADTIME
        metrics.response(Metrics.UDP, 40, 12, 1000);  // out of range: still counted, never thrown
        metrics.response(Metrics.UDP, -1, 12, 1000);
        metrics.response(Metrics.UDP, 16, 12, 1000);
        metrics.response(Metrics.UDP, 23, 12, 1000);

        assertThat(scrape())
                .contains("meshdns_dns_responses_total{proto=\"udp\",rcode=\"OTHER\"} 4.0")
                .contains("meshdns_dns_responses_total{proto=\"udp\",rcode=\"BADVERS\"} 1.0")
                .contains("meshdns_dns_responses_total{proto=\"udp\",rcode=\"BADCOOKIE\"} 1.0");
    }

    @Test
    void rcodeTagHasNineValuesOnly() throws IOException {
        long responseSeries = scrape().lines()
                .filter(line -> line.startsWith("meshdns_dns_responses_total{"))
                .count();

        assertThat(responseSeries).isEqualTo(2 * 9);
    }

    @Test
    void droppedCountsByTransport() throws IOException {
        metrics.dropped(Metrics.TCP);

        assertThat(scrape())
                .contains("meshdns_dns_dropped_total{transport=\"tcp\"} 1.0")
                .contains("meshdns_dns_dropped_total{transport=\"udp\"} 0.0");
    }

    @Test
    void answerFailuresCountByTransport() throws IOException {
        metrics.answerFailed(Metrics.UDP);

        assertThat(scrape())
                .contains("meshdns_dns_answer_failures_total{transport=\"udp\"} 1.0")
                .contains("meshdns_dns_answer_failures_total{transport=\"tcp\"} 0.0");
    }

    @Test
    void catalogAndVipMetricsUseBaseUnitsAndBoundedTags() throws IOException {
        metrics.catalogReload(Metrics.Reload.APPLIED);
        metrics.catalogReload(Metrics.Reload.REJECTED);
        metrics.catalogApplyNanos(1_500_000_000L);
        metrics.catalogServices(12);
        metrics.names(30);
        metrics.vipAllocationFailures(3);
        metrics.vipAllocationFailures(0);
        metrics.unallocatedVips(3);
        metrics.vipPinConflict();
        metrics.vipStoreError();
        metrics.vipStoreFailing(true);

        assertThat(scrape())
                .contains("meshdns_catalog_reloads_total{result=\"applied\"} 1.0")
                .contains("meshdns_catalog_reloads_total{result=\"rejected\"} 1.0")
                .contains("meshdns_catalog_reloads_total{result=\"failed\"} 0.0")
                .contains("meshdns_catalog_apply_seconds_count 1")
                .contains("meshdns_catalog_apply_seconds_sum 1.5")
                .contains("meshdns_catalog_services 12.0")
                .contains("meshdns_names 30.0")
                .contains("meshdns_vip_allocation_failures_total 3.0")
                .contains("meshdns_vip_unallocated 3.0")
                .contains("meshdns_vip_pin_conflicts_total 1.0")
                .contains("meshdns_vip_store_errors_total 1.0")
                .contains("meshdns_vip_store_failing 1.0");
    }

    @Test
    void anyRegistryCanCountButOnlyPrometheusCanBeScraped() {
        Metrics simple = new Metrics(new SimpleMeterRegistry());
        simple.request(Metrics.UDP, false, 1, 40);

        assertThat(simple.registry().get("meshdns.dns.requests").tag("proto", "udp").tag("family", "1")
                .tag("type", "A").functionCounter().count()).isEqualTo(1.0);
        assertThat(simple.scrapable()).isFalse();
        assertThatThrownBy(() -> simple.writePrometheusText(new ByteArrayOutputStream()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SimpleMeterRegistry");
    }

    @Test
    void hotPathCountingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        int calls = 100_000;
        countMany(calls * 3); // warm-up: let the JIT compile the loop and the counters
        threads.getCurrentThreadAllocatedBytes();

        // The least of three runs: in the full suite one run once showed 1440 bytes in all (a one-off
        // of the JVM's, not per call; a per-call allocation would be 100,000 times 16 bytes or more).
        long allocated = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            countMany(calls);
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }

        assertThat((double) allocated / calls).as("bytes per call (%d in all)", allocated).isLessThan(0.01);
    }

    private void countMany(int calls) {
        for (int i = 0; i < calls; i++) {
            metrics.request(i & 1, (i & 2) == 0, i % 40, 30 + (i & 127));
            metrics.response(i & 1, i % 30, 40 + (i & 1023), (i & 0xfff) * 10_000L);
            if ((i & 63) == 0) {
                metrics.dropped(i & 1);
            }
        }
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.writePrometheusText(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
