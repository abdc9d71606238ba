package dev.meshdns.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private final Metrics metrics = Metrics.prometheus();

    @Test
    void buildInfoIsOneTaggedWithTheVersionOfTheBuild() throws IOException {
        assertThat(scrape()).contains("meshdns_build_info{version=\"" + BuildInfo.version() + "\"} 1\n");
    }

    @Test
    void responseCountsRequestAndRcodeByTransport() throws IOException {
        metrics.response(Metrics.UDP, 3);
        metrics.response(Metrics.TCP, 0);
        metrics.response(Metrics.TCP, 0);

        assertThat(scrape())
                .contains("meshdns_dns_responses_total{rcode=\"NXDOMAIN\",transport=\"udp\"} 1.0")
                .contains("meshdns_dns_responses_total{rcode=\"NOERROR\",transport=\"tcp\"} 2.0")
                .contains("meshdns_dns_responses_total{rcode=\"NOERROR\",transport=\"udp\"} 0.0")
                .contains("meshdns_dns_requests_total{transport=\"udp\"} 1.0")
                .contains("meshdns_dns_requests_total{transport=\"tcp\"} 2.0");
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
        metrics.response(Metrics.UDP, 9);   // NOTAUTH
        metrics.response(Metrics.UDP, 23);  // BADCOOKIE
        metrics.response(Metrics.UDP, 40);  // out of range: still counted, never thrown
        metrics.response(Metrics.UDP, -1);
        metrics.response(Metrics.UDP, 16);

        assertThat(scrape())
                .contains("meshdns_dns_responses_total{rcode=\"OTHER\",transport=\"udp\"} 4.0")
                .contains("meshdns_dns_responses_total{rcode=\"BADVERS\",transport=\"udp\"} 1.0");
    }

    @Test
    void rcodeTagHasEightValuesOnly() throws IOException {
        long responseSeries = scrape().lines()
                .filter(line -> line.startsWith("meshdns_dns_responses_total{"))
                .count();

        assertThat(responseSeries).isEqualTo(2 * 8);
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
                .contains("meshdns_vip_store_errors_total 1.0");
    }

    @Test
    void anyRegistryCanCountButOnlyPrometheusCanBeScraped() {
        Metrics simple = new Metrics(new SimpleMeterRegistry());
        simple.response(Metrics.UDP, 0);

        assertThat(simple.registry().get("meshdns.dns.requests").tag("transport", "udp").counter().count())
                .isEqualTo(1.0);
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

        long before = threads.getCurrentThreadAllocatedBytes();
        countMany(calls);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat((double) allocated / calls).as("bytes per call (%d in all)", allocated).isLessThan(0.01);
    }

    private void countMany(int calls) {
        for (int i = 0; i < calls; i++) {
            metrics.response(i & 1, i % 30);
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
