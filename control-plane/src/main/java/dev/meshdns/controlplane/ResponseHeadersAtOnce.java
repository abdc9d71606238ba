package dev.meshdns.controlplane;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Sends a call's response headers as soon as the call is accepted, instead of with its first
 * response as gRPC does by default. A resumed stream whose client already holds every version gets
 * no response at all, so without this the client could not tell an established stream from one
 * still connecting (and mesh-dns resets its reconnect backoff on these headers). The headers are
 * flushed at once (gRPC's Netty server writes headers with a flush); the stub's own
 * {@code sendHeaders} before its first message is then skipped. Stateless and thread-safe.
 */
final class ResponseHeadersAtOnce implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        // Before startCall: a handler that closes the call at once must not meet a closed call here.
        call.sendHeaders(new Metadata());
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata ignored) {
                // Already sent; gRPC allows sendHeaders once per call.
            }
        }, headers);
    }
}
