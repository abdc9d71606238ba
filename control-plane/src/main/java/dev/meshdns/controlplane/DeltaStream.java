package dev.meshdns.controlplane;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One client's Delta ADS stream: what it subscribed to, which version of each resource it holds
 * (as far as this server knows) and the nonces of its responses. Not thread-safe: only the
 * control plane's serial executor touches it.
 */
final class DeltaStream {
    /** Responses are split so that none comes near gRPC's default 4 MiB inbound message limit. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final long id;
    private final ServerCallStreamObserver<DeltaDiscoveryResponse> responses;
    /**
     * What the client holds, by name: the entry this stream sent it (its version is the one held;
     * no version string per entry and stream), or the version string it said it held on resuming.
     */
    private final Map<String, Object> clientVersions = new HashMap<>();
    private final Set<String> explicitNames = new HashSet<>();
    private boolean wildcard;
    private boolean started;
    private String node = "";
    private long lastNonce;
    private boolean closed;

    DeltaStream(long id, ServerCallStreamObserver<DeltaDiscoveryResponse> responses) {
        this.id = id;
        this.responses = responses;
    }

    /**
     * Applies the subscription part of a request. The first request also takes the node and the
     * versions the client already holds; an empty subscribe list there means wildcard (xDS spec),
     * later it means "no change".
     */
    void subscribe(DeltaDiscoveryRequest request) {
        boolean first = !started;
        if (!started) {
            started = true;
            node = request.getNode().getId();
            clientVersions.putAll(request.getInitialResourceVersionsMap());
            wildcard = request.getResourceNamesSubscribeCount() == 0;
        }
        for (String name : request.getResourceNamesSubscribeList()) {
            if (name.equals("*")) {
                wildcard = true;
            } else {
                explicitNames.add(name);
            }
        }
        for (String name : request.getResourceNamesUnsubscribeList()) {
            if (name.equals("*")) {
                wildcard = false;
            } else {
                explicitNames.remove(name);
            }
        }
        // A client forgets what it unsubscribed from; so does the server, or it would send a removal later.
        // Only a request that unsubscribes (or a first one that is not wildcard) can leave a held name
        // unsubscribed: an ACK must not walk every held version (a million per ACK of a million entries).
        if (request.getResourceNamesUnsubscribeCount() > 0 || (first && !wildcard)) {
            clientVersions.keySet().removeIf(name -> !subscribed(name));
        }
    }

    boolean started() {
        return started;
    }

    boolean subscribed(String name) {
        return wildcard || explicitNames.contains(name);
    }

    /** True when the client does not hold this exact version of the entry. */
    boolean lacks(VersionedEntry entry) {
        if (!subscribed(entry.name())) {
            return false;
        }
        Object held = clientVersions.get(entry.name());
        return !(held instanceof VersionedEntry sent ? sent.sameVersion(entry)
                : held instanceof String version && entry.hasVersion(version));
    }

    boolean holds(String name) {
        return clientVersions.containsKey(name);
    }

    Set<String> heldNames() {
        return clientVersions.keySet();
    }

    /**
     * Sends resources and removals, split into responses of at most about
     * {@link #MAX_RESPONSE_BYTES}, each with a fresh nonce. The client is assumed to apply them:
     * after a NACK it keeps its old version, and this server does not resend the rejected one
     * until it changes again. Returns the number of responses sent.
     */
    int send(Collection<VersionedEntry> entries, Collection<String> removed) {
        if (closed || responses.isCancelled() || (entries.isEmpty() && removed.isEmpty())) {
            return 0;
        }
        int sent = 0;
        DeltaDiscoveryResponse.Builder response = newResponse();
        int bytes = 0;
        for (VersionedEntry entry : entries) {
            Resource resource = entry.resource();
            int size = resource.getSerializedSize();
            if (bytes > 0 && bytes + size > MAX_RESPONSE_BYTES) {
                sent += emit(response);
                response = newResponse();
                bytes = 0;
            }
            response.addResources(resource);
            bytes += size;
            clientVersions.put(entry.name(), entry);
        }
        for (String name : removed) {
            if (bytes > 0 && bytes + name.length() + 4 > MAX_RESPONSE_BYTES) {
                sent += emit(response);
                response = newResponse();
                bytes = 0;
            }
            response.addRemovedResources(name);
            bytes += name.length() + 4;
            clientVersions.remove(name);
        }
        return sent + emit(response);
    }

    /** Whether a response nonce names a response of this stream (NACKs of stale nonces are still logged). */
    boolean sentNonce(String nonce) {
        try {
            long value = Long.parseLong(nonce);
            return value > 0 && value <= lastNonce;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    void close() {
        closed = true;
    }

    void complete() {
        if (!closed && !responses.isCancelled()) {
            responses.onCompleted();
        }
        closed = true;
    }

    private DeltaDiscoveryResponse.Builder newResponse() {
        return DeltaDiscoveryResponse.newBuilder().setTypeUrl(MeshDnsControlPlane.TYPE_URL);
    }

    private int emit(DeltaDiscoveryResponse.Builder response) {
        response.setNonce(Long.toString(++lastNonce));
        responses.onNext(response.build());
        return 1;
    }

    @Override
    public String toString() {
        return "stream " + id + " (node \"" + node + "\")";
    }
}
