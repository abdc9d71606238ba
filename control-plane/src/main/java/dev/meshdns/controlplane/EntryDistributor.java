package dev.meshdns.controlplane;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served entries and the open streams, and the xDS delta rules between them: what a new or
 * resumed stream is sent, which stream a change goes to, how ACKs and NACKs are taken. Not
 * thread-safe: confined to the control plane's serial executor, which is what makes every change
 * reach every stream in the same order.
 */
final class EntryDistributor {
    private static final Logger log = LoggerFactory.getLogger(EntryDistributor.class);

    private EntriesByName entries = new EntriesByName();
    private final Set<DeltaStream> streams = new LinkedHashSet<>();
    // First requests of streams that came before the first update, answered once it is here.
    private final Map<DeltaStream, DeltaDiscoveryRequest> parked = new LinkedHashMap<>();
    private boolean loaded;

    EntryDistributor(boolean loaded) {
        this.loaded = loaded;
    }

    void opened(DeltaStream stream) {
        streams.add(stream);
    }

    void closed(DeltaStream stream, String why) {
        parked.remove(stream);
        if (streams.remove(stream)) {
            stream.close();
            log.info("{} closed: {}", stream, why);
        }
    }

    void request(DeltaStream stream, DeltaDiscoveryRequest request) {
        if (!streams.contains(stream)) {
            return; // a late request of a closed stream
        }
        if (!MeshDnsControlPlane.TYPE_URL.equals(request.getTypeUrl())) {
            // ADS multiplexes types; this server has one, and answers nothing for the others.
            log.warn("{} asked for type {}, which is not served (only {})", stream, request.getTypeUrl(),
                    MeshDnsControlPlane.TYPE_URL);
            return;
        }
        boolean first = !stream.started();
        if (first && !loaded) {
            parked.put(stream, request);
            return;
        }
        if (!first && !request.getResponseNonce().isEmpty()) {
            acknowledge(stream, request);
        }
        stream.subscribe(request);
        if (first) {
            int sent = sync(stream);
            log.info("{} opened: {} entries held by the client, {} responses to bring it up to date",
                    stream, request.getInitialResourceVersionsCount(), sent);
        } else if (request.getResourceNamesSubscribeCount() > 0) {
            sync(stream);
        }
    }

    /** Adds or replaces {@code changed} and removes {@code removed}: one delta per stream. */
    void update(List<VersionedEntry> changed, List<String> removed) {
        List<VersionedEntry> sent = new ArrayList<>(changed.size());
        for (VersionedEntry entry : changed) {
            VersionedEntry old = entries.put(entry);
            if (old == null || !old.sameVersion(entry)) {
                sent.add(entry);
            }
        }
        List<String> gone = removed.stream().filter(name -> entries.remove(name) != null).toList();
        for (DeltaStream stream : streams) {
            if (stream.started()) {
                stream.send(sent.stream().filter(stream::lacks).toList(), gone.stream().filter(stream::holds).toList());
            }
        }
        loaded();
    }

    /** Answers the streams that waited for the first entries. */
    private void loaded() {
        if (loaded) {
            return;
        }
        loaded = true;
        Map<DeltaStream, DeltaDiscoveryRequest> waiting = new LinkedHashMap<>(parked);
        parked.clear();
        waiting.forEach(this::request);
    }

    void put(VersionedEntry entry) {
        VersionedEntry old = entries.put(entry);
        if (old != null && old.sameVersion(entry)) {
            return;
        }
        for (DeltaStream stream : streams) {
            if (stream.started() && stream.lacks(entry)) {
                stream.send(List.of(entry), List.of());
            }
        }
    }

    void remove(String name) {
        if (entries.remove(name) == null) {
            return;
        }
        for (DeltaStream stream : streams) {
            if (stream.holds(name)) {
                stream.send(List.of(), List.of(name));
            }
        }
    }

    void replaceAll(Map<String, VersionedEntry> replacement) {
        List<VersionedEntry> changed = new ArrayList<>();
        for (VersionedEntry entry : replacement.values()) {
            VersionedEntry old = entries.get(entry.name());
            if (old == null || !old.sameVersion(entry)) {
                changed.add(entry);
            }
        }
        List<String> gone = new ArrayList<>();
        for (VersionedEntry entry : entries) {
            if (!replacement.containsKey(entry.name())) {
                gone.add(entry.name());
            }
        }
        entries = EntriesByName.of(replacement.values());
        for (DeltaStream stream : streams) {
            if (stream.started()) {
                stream.send(changed.stream().filter(stream::lacks).toList(),
                        gone.stream().filter(stream::holds).toList());
            }
        }
        loaded();
        log.info("catalog replaced: {} entries, {} added or changed, {} removed, {} streams",
                entries.size(), changed.size(), gone.size(), streams.size());
    }

    void closeAll() {
        for (DeltaStream stream : streams) {
            stream.complete();
        }
        streams.clear();
        parked.clear();
    }

    int size() {
        return entries.size();
    }

    /** Sends what the client lacks or holds in another version, and removes what no longer exists. */
    private int sync(DeltaStream stream) {
        List<VersionedEntry> lacking = new ArrayList<>();
        for (VersionedEntry entry : entries) {
            if (stream.lacks(entry)) {
                lacking.add(entry);
            }
        }
        List<String> gone = stream.heldNames().stream().filter(name -> !entries.contains(name)).toList();
        return stream.send(lacking, gone);
    }

    private static void acknowledge(DeltaStream stream, DeltaDiscoveryRequest request) {
        String nonce = request.getResponseNonce();
        if (request.hasErrorDetail()) {
            // The client keeps its previous version of what it rejected; the entry is resent only
            // when it changes again, so a bad entry does not loop.
            log.warn("{} rejected response {} (NACK{}): {} {}", stream, nonce,
                    stream.sentNonce(nonce) ? "" : ", unknown nonce",
                    Status.fromCodeValue(request.getErrorDetail().getCode()).getCode(),
                    request.getErrorDetail().getMessage());
        } else {
            log.debug("{} applied response {} (ACK)", stream, nonce);
        }
    }
}
