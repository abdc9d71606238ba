package dev.meshdns.sync;

import static dev.meshdns.sync.FakeAdsServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.config.ControlPlaneConfig;
import dev.meshdns.controlplane.Backoff;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a control plane on real gRPC (127.0.0.1, a free port). */
class ControlPlaneClientIT {
    @TempDir
    Path dataDir;

    private final BlockingQueue<List<ServiceEntry>> delivered = new LinkedBlockingQueue<>();
    /** What each save of the last-known-good file held ("service=version"), in order. */
    private final BlockingQueue<List<String>> saves = new LinkedBlockingQueue<>();
    private FakeAdsServer plane;
    private ControlPlaneClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (plane != null) {
            plane.close();
        }
    }

    private ControlPlaneClient connect(String target) throws Exception {
        return ControlPlaneClient.start(new ControlPlaneConfig(target, "dns-test", null, null, null), dataDir,
                delivered::add);
    }

    /** A client with this reconnect backoff and save delay, whose saves are recorded in {@link #saves}. */
    private ControlPlaneClient connect(String target, Backoff backoff, Duration saveDelay)
            throws Exception {
        return connect(target, backoff, new ControlPlaneClient.Pacing(saveDelay, ControlPlaneClient.FIRST_SYNC_QUIET,
                ControlPlaneClient.FIRST_SYNC_LONGEST));
    }

    /** As above, with this pacing. */
    private ControlPlaneClient connect(String target, Backoff backoff, ControlPlaneClient.Pacing pacing)
            throws Exception {
        LastKnownGood recorded = new LastKnownGood(dataDir) {
            @Override
            void save(Collection<SyncedEntry> entries) throws IOException {
                List<String> saved = entries.stream().map(synced -> synced.name() + "=" + synced.version()).toList();
                super.save(entries);
                saves.add(saved); // once the file is written
            }
        };
        ControlPlaneClient started = new ControlPlaneClient(
                Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build(), "dns-test", recorded,
                delivered::add, backoff, System::nanoTime, pacing, SyncMetrics.NONE);
        started.start();
        return started;
    }

    /** gRPC's backoff schedule without its random jitter. */
    private static Backoff withoutJitter() {
        return new Backoff(Backoff.INITIAL, Backoff.MAX, () -> 0.5);
    }

    private List<String> nextServices() throws InterruptedException {
        List<ServiceEntry> entries = delivered.poll(10, TimeUnit.SECONDS);
        assertThat(entries).as("entries delivered within 10 s").isNotNull();
        return entries.stream().map(entry -> entry.service() + "=" + entry.hostnames()).toList();
    }

    @Test
    void subscribesToEveryServiceEntryAsItsNodeAndAcksTheInitialSync() throws Exception {
        plane = FakeAdsServer.start();
        client = connect(plane.target());

        DeltaDiscoveryRequest first = plane.nextRequest();
        assertThat(first.getNode().getId()).isEqualTo("dns-test");
        assertThat(first.getTypeUrl()).isEqualTo("type.googleapis.com/meshdns.v1.ServiceEntry");
        assertThat(first.getResourceNamesSubscribeList()).containsExactly("*");
        assertThat(first.getInitialResourceVersionsMap()).isEmpty();

        String nonce = plane.send(DeltaDiscoveryResponse.newBuilder()
                .addResources(resource("web", "1", "web.shop.example"))
                .addResources(resource("db", "1", "db.shop.example")));

        assertThat(nextServices()).containsExactly("web=[web.shop.example]", "db=[db.shop.example]");
        DeltaDiscoveryRequest ack = plane.nextRequest();
        assertThat(ack.getResponseNonce()).isEqualTo(nonce);
        assertThat(ack.hasErrorDetail()).isFalse();
    }

    @Test
    void addChangeAndRemoveOneEntryEachDeliverTheFullList() throws Exception {
        plane = FakeAdsServer.start();
        client = connect(plane.target());
        plane.nextRequest();
        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("web", "1", "web.example")));
        assertThat(nextServices()).containsExactly("web=[web.example]");

        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("api", "1", "api.example")));
        assertThat(nextServices()).containsExactly("web=[web.example]", "api=[api.example]");
        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("web", "2", "www.example")));
        assertThat(nextServices()).containsExactly("web=[www.example]", "api=[api.example]");
        plane.send(DeltaDiscoveryResponse.newBuilder().addRemovedResources("web"));
        assertThat(nextServices()).containsExactly("api=[api.example]");
    }

    @Test
    void theFirstSyncsResponsesAreHandedOnTogetherOnceTheyPauseNotAsEachArrives() throws Exception {
        plane = FakeAdsServer.start();
        // A pause of 2 s ends the burst here (250 ms in a server), so the 50 ms between responses stay
        // far shorter than it however slow the test machine is.
        Duration quiet = Duration.ofSeconds(2);
        client = connect(plane.target(), withoutJitter(),
                new ControlPlaneClient.Pacing(ControlPlaneClient.SAVE_DELAY, quiet, ControlPlaneClient.FIRST_SYNC_LONGEST));
        plane.nextRequest();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // a control plane making a large first sync, response by response
            plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("svc-" + i, "1", "svc-" + i + ".example")));
            sent.add("svc-" + i + "=[svc-" + i + ".example]");
            Thread.sleep(50); // the control plane making its next response
        }

        assertThat(nextServices()).containsExactlyElementsOf(sent);
        assertThat(delivered.poll(quiet.toMillis() * 2, TimeUnit.MILLISECONDS))
                .as("no further hand-on of the same burst").isNull();
    }

    @Test
    void aLargeFirstSyncWaitsOutAPauseOfItsSenderThatASmallOneDoesNot() throws Exception {
        plane = FakeAdsServer.start();
        client = connect(plane.target(), withoutJitter(), ControlPlaneClient.Pacing.STANDARD);
        plane.nextRequest();
        DeltaDiscoveryResponse.Builder large = DeltaDiscoveryResponse.newBuilder();
        for (int i = 0; i < ControlPlaneClient.LARGE_FIRST_SYNC; i++) {
            large.addResources(resource("svc-" + i, "1", "svc-" + i + ".example"));
        }
        plane.send(large);
        // A sender pausing mid-burst for 1 s: four quiets of 250 ms, half of the eight a large sync waits.
        Thread.sleep(1000);
        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("last", "1", "last.example")));

        List<ServiceEntry> first = delivered.poll(10, TimeUnit.SECONDS);
        assertThat(first).as("handed on within 10 s").isNotNull();
        assertThat(first).as("one hand-on with the whole burst")
                .hasSize(ControlPlaneClient.LARGE_FIRST_SYNC + 1);
    }

    @Test
    void aSmallFirstSyncIsHandedOnAtThePauseOfAQuarterSecond() throws Exception {
        plane = FakeAdsServer.start();
        client = connect(plane.target(), withoutJitter(), ControlPlaneClient.Pacing.STANDARD);
        plane.nextRequest();
        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("web", "1", "web.example")));
        Thread.sleep(1500); // the sender pausing six times the quiet of a small sync (250 ms)
        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("db", "1", "db.example")));

        assertThat(nextServices()).containsExactly("web=[web.example]");
        assertThat(nextServices()).containsExactly("web=[web.example]", "db=[db.example]");
    }

    @Test
    void whileTheSyncThreadIsBusyTheResponsesWaitAtTheControlPlaneNotParsedInTheClient() throws Exception {
        plane = FakeAdsServer.start();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<Integer> sizes = new LinkedBlockingQueue<>();
        ControlPlaneClient.Listener slow = entries -> {
            sizes.add(entries.size());
            busy.countDown();
            try {
                release.await(30, TimeUnit.SECONDS); // the sync thread busy, as with a large apply's hand-on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        client = new ControlPlaneClient(Grpc.newChannelBuilder(plane.target(), InsecureChannelCredentials.create())
                .build(), "dns-test", new LastKnownGood(dataDir), slow, withoutJitter(), System::nanoTime,
                new ControlPlaneClient.Pacing(ControlPlaneClient.SAVE_DELAY, Duration.ofMillis(50),
                        ControlPlaneClient.FIRST_SYNC_LONGEST), SyncMetrics.NONE);
        client.start();
        plane.nextRequest();
        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("first", "1", "first.example")));
        assertThat(busy.await(10, TimeUnit.SECONDS)).as("the first response handed on").isTrue();

        int responses = 80; // of 2,000 entries each, some 16 MB: more than any window gRPC would grow to
        for (int r = 0; r < responses; r++) {
            DeltaDiscoveryResponse.Builder response = DeltaDiscoveryResponse.newBuilder();
            for (int i = 0; i < 2000; i++) {
                String service = "svc-" + r + "-" + i;
                response.addResources(resource(service, "1", service + ".a-long-hostname-to-make-it-heavier.example"));
            }
            plane.send(response);
        }
        Thread.sleep(1000); // time for a client taking every response to drain them all
        assertThat(plane.ready()).as("the control plane holds the responses the client has not asked for").isFalse();

        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int held = 0;
        while (held < 1 + responses * 2000 && System.nanoTime() < deadline) {
            Integer size = sizes.poll(1, TimeUnit.SECONDS);
            held = size == null ? held : size;
        }
        assertThat(held).as("every response taken once the sync thread is free").isEqualTo(1 + responses * 2000);
    }

    @Test
    void theFirstSyncIsSavedOnceItIsHandedOnNotWhileItsResponsesArrive() throws Exception {
        plane = FakeAdsServer.start();
        // Saves due 50 ms after a response, a burst that lasts 250 ms and a quiet of 2 s before its hand-on.
        client = connect(plane.target(), withoutJitter(), new ControlPlaneClient.Pacing(Duration.ofMillis(50),
                Duration.ofSeconds(2), ControlPlaneClient.FIRST_SYNC_LONGEST));
        plane.nextRequest();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            plane.send(DeltaDiscoveryResponse.newBuilder()
                    .addResources(resource("svc-" + i, "1", "svc-" + i + ".example")));
            sent.add("svc-" + i + "=1");
            Thread.sleep(50);
        }
        assertThat(nextServices()).hasSize(5);

        assertThat(saves.poll(10, TimeUnit.SECONDS)).as("the first save, after the hand-on")
                .containsExactlyElementsOf(sent);
        assertThat(saves.poll(500, TimeUnit.MILLISECONDS)).as("one save for the whole burst").isNull();
    }

    @Test
    void aFirstSyncWhoseResponsesNeverPauseIsOverItsLongestAfterItsFirstResponse() throws Exception {
        plane = FakeAdsServer.start();
        client = connect(plane.target(), withoutJitter(), new ControlPlaneClient.Pacing(ControlPlaneClient.SAVE_DELAY,
                ControlPlaneClient.FIRST_SYNC_QUIET, Duration.ofSeconds(2)));
        plane.nextRequest();
        CompletableFuture<Void> firstSync = client.firstSync().toCompletableFuture();
        // A busy mesh: a change every 300 ms, never the 5 s of quiet that ends a first sync otherwise.
        for (int i = 0; i < 40 && !firstSync.isDone(); i++) {
            plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("svc-" + i, "1", "svc-" + i + ".example")));
            Thread.sleep(300);
        }

        assertThat(firstSync).as("first sync over while responses kept coming (40 of them, 12 s)").isDone();
        assertThat(delivered.poll(10, TimeUnit.SECONDS)).as("the entries were handed on").isNotNull();
    }

    @Test
    void anInvalidEntryIsNackedByNameWhileTheGoodOnesApplyAndItKeepsItsLastGoodState() throws Exception {
        plane = FakeAdsServer.start();
        client = connect(plane.target());
        plane.nextRequest();
        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("web", "1", "web.example")));
        nextServices();
        plane.nextRequest(); // ACK

        String nonce = plane.send(DeltaDiscoveryResponse.newBuilder()
                .addResources(resource("web", "2", "not a name"))
                .addResources(resource("api", "1", dev.meshdns.sync.v1.ServiceEntry.newBuilder()
                        .setService("api").setVip("240.0.0.300").build()))
                .addResources(resource("db", "1", "db.example")));

        assertThat(nextServices()).containsExactly("web=[web.example]", "db=[db.example]");
        DeltaDiscoveryRequest nack = plane.nextRequest();
        assertThat(nack.getResponseNonce()).isEqualTo(nonce);
        assertThat(nack.getErrorDetail().getCode()).isEqualTo(3); // INVALID_ARGUMENT
        assertThat(nack.getErrorDetail().getMessage())
                .startsWith("2 invalid resources: resource \"web\" hostname must be a DNS name")
                .contains("resource \"api\" vip must be an IPv4 address like 240.0.0.100 (got \"240.0.0.300\")");
    }

    @Test
    void reconnectResumesWithTheHeldVersionsSoNothingIsResent() throws Exception {
        plane = FakeAdsServer.start();
        client = connect(plane.target());
        plane.nextRequest();
        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("web", "7", "web.example"))
                .addResources(resource("db", "3", "db.example")));
        nextServices();
        plane.nextRequest(); // ACK

        plane.dropStream(); // the stream got a response: the backoff was reset, it reconnects within ~1 s

        DeltaDiscoveryRequest resumed = plane.nextRequest();
        assertThat(resumed.getInitialResourceVersionsMap()).isEqualTo(Map.of("web", "7", "db", "3"));
        assertThat(resumed.getResourceNamesSubscribeList()).containsExactly("*");
        plane.send(DeltaDiscoveryResponse.newBuilder().addRemovedResources("db"));
        assertThat(nextServices()).containsExactly("web=[web.example]");
    }

    @Test
    void aStreamAcceptedWithResponseHeadersButSentNoResponseResetsTheBackoff() throws Exception {
        plane = FakeAdsServer.startSendingHeadersOnAccept();
        Backoff grown = withoutJitter();
        for (int failure = 0; failure < 10; failure++) {
            grown.next(); // the wait after the next failure would be 110 s
        }
        client = connect(plane.target(), grown, ControlPlaneClient.SAVE_DELAY);
        plane.nextRequest(); // a resume whose versions all match: nothing to send

        plane.dropStream();

        DeltaDiscoveryRequest reconnected = plane.nextRequest(); // within 10 s: after about 1 s
        assertThat(reconnected.getResourceNamesSubscribeList()).containsExactly("*");
    }

    @Test
    void afterARestartWithTheControlPlaneDownTheLastAppliedEntriesAreServedAndResumed() throws Exception {
        plane = FakeAdsServer.start();
        client = connect(plane.target());
        plane.nextRequest();
        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("web", "4", "web.example")));
        nextServices();
        plane.nextRequest(); // ACK: sent before the file is written
        int port = plane.port();
        client.close(); // writes the file if the save is still pending
        plane.close();
        delivered.clear();

        client = connect("127.0.0.1:" + port); // nothing listens there now

        List<ServiceEntry> restored = delivered.poll();
        assertThat(restored).as("restored before start returns").isNotNull();
        assertThat(restored).extracting(ServiceEntry::service).containsExactly("web");
        plane = FakeAdsServer.start(port);
        DeltaDiscoveryRequest resumed = plane.nextRequest(); // after a backoff of about 1 s
        assertThat(resumed.getInitialResourceVersionsMap()).isEqualTo(Map.of("web", "4"));
    }

    @Test
    void anAppliedResponseIsSavedByItselfASaveDelayLater() throws Exception {
        plane = FakeAdsServer.start();
        client = connect(plane.target(), Backoff.standard(), Duration.ofMillis(50));
        plane.nextRequest();

        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("web", "1", "web.example")));

        assertThat(saves.poll(10, TimeUnit.SECONDS)).as("saved without a close").containsExactly("web=1");
        assertThat(new LastKnownGood(dataDir).load()).extracting(SyncedEntry::version).containsExactly("1");
    }

    @Test
    void aBurstIsSavedOnceWithItsLatestStateAndCloseSavesWhatIsPending() throws Exception {
        plane = FakeAdsServer.start();
        Duration never = Duration.ofHours(1);
        client = connect(plane.target(), Backoff.standard(), never);
        plane.nextRequest();
        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("web", "1", "web.example")));
        plane.send(DeltaDiscoveryResponse.newBuilder().addRemovedResources("web")
                .addResources(resource("db", "3", "db.example")));
        plane.nextRequest();
        plane.nextRequest();
        assertThat(saves).as("no save before the delay").isEmpty();

        client.close();

        assertThat(saves).as("two responses, one save").containsExactly(List.of("db=3"));
        plane.close();
        plane = null;
        delivered.clear();
        client = connect("127.0.0.1:1", Backoff.standard(), never); // nothing listens there
        assertThat(delivered.poll()).as("restored before start returns").extracting(ServiceEntry::service)
                .containsExactly("db");
    }

    @Test
    void theReconnectDelayFollowsTheBackoffUnlessTheStreamWasEstablished() {
        Backoff backoff = withoutJitter();

        assertThat(ControlPlaneClient.reconnectDelay(backoff, false, Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
        assertThat(ControlPlaneClient.reconnectDelay(backoff, false, Duration.ofMillis(100)))
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(ControlPlaneClient.reconnectDelay(backoff, false, Duration.ZERO)).isEqualTo(Duration.ofMillis(2560));
        assertThat(ControlPlaneClient.reconnectDelay(backoff, false, ControlPlaneClient.HEALTHY_STREAM))
                .as("a stream that lived long counts as healthy even without headers: backoff reset")
                .isEqualTo(Duration.ZERO);
        assertThat(ControlPlaneClient.reconnectDelay(backoff, false, Duration.ZERO)).isEqualTo(Duration.ofMillis(1600));
        assertThat(ControlPlaneClient.reconnectDelay(backoff, true, Duration.ofMillis(300)))
                .isEqualTo(Duration.ofMillis(700));
        assertThat(ControlPlaneClient.reconnectDelay(backoff, true, Duration.ofMinutes(5))).isEqualTo(Duration.ZERO);
    }

    @Test
    void aFailedTlsHandshakeIsDescribedOnOneLineWithItsCause() {
        Throwable handshake = new SSLHandshakeException("PKIX path building failed")
                .initCause(new IllegalStateException("unable to find valid certification path to requested target"));
        Status status = Status.UNAVAILABLE.withDescription("io exception\nChannel Pipeline: [SslHandler#0]")
                .withCause(handshake);

        assertThat(ControlPlaneChannel.describe(status)).isEqualTo("UNAVAILABLE: io exception"
                + " (SSLHandshakeException: unable to find valid certification path to requested target)");
        assertThat(ControlPlaneChannel.describe(Status.UNAVAILABLE.withDescription("Network closed for unknown reason")))
                .isEqualTo("UNAVAILABLE: Network closed for unknown reason");
    }
}
