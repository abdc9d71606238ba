package dev.meshdns.sync;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * Runs a callback when a call's response headers arrive: the server accepted the call. The stub
 * API shows only messages, and a resumed xDS stream may get none. The callback runs on a gRPC
 * thread, before any message of that call is delivered; it must only hand off. Thread-safe.
 */
final class ResponseHeadersInterceptor implements ClientInterceptor {
    private final Runnable onHeaders;

    ResponseHeadersInterceptor(Runnable onHeaders) {
        this.onHeaders = onHeaders;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<RespT> listener, Metadata requestHeaders) {
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onHeaders(Metadata responseHeaders) {
                        onHeaders.run();
                        super.onHeaders(responseHeaders);
                    }
                }, requestHeaders);
            }
        };
    }
}
