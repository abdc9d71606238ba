package dev.meshdns.sync;

import com.google.rpc.Code;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import java.util.List;

/**
 * The client's answer to a Delta xDS response: an ACK (the response's nonce), or a NACK naming the
 * invalid resources in {@code error_detail} (INVALID_ARGUMENT), the first {@value #MAX_NAMED_PROBLEMS}
 * by name. Stateless.
 */
final class Acks {
    static final int MAX_NAMED_PROBLEMS = 20;

    private Acks() {
    }

    /** An ACK when {@code problems} is empty, else a NACK listing them. */
    static DeltaDiscoveryRequest reply(ParsedResponse response, List<String> problems) {
        DeltaDiscoveryRequest.Builder reply = DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(response.typeUrl()).setResponseNonce(response.nonce());
        if (!problems.isEmpty()) {
            String named = String.join("; ", problems.subList(0, Math.min(problems.size(), MAX_NAMED_PROBLEMS)));
            String more = problems.size() > MAX_NAMED_PROBLEMS
                    ? " and " + (problems.size() - MAX_NAMED_PROBLEMS) + " more" : "";
            reply.setErrorDetail(com.google.rpc.Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE)
                    .setMessage(problems.size() + " invalid resources: " + named + more));
        }
        return reply.build();
    }
}
