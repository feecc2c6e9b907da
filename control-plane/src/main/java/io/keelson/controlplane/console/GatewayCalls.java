package io.keelson.controlplane.console;

import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.keelson.controlplane.gateway.CallContext;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls into the gateway as the signed-in user: each call carries that user's token, so the gateway
 * authenticates it, checks its role and writes it to the audit log exactly as for any other client.
 */
final class GatewayCalls {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Channel gateway;
    private final Duration deadline;

    GatewayCalls(Channel gateway, Duration deadline) {
        this.gateway = gateway;
        this.deadline = deadline;
    }

    /** A unary call, answered when the call has closed with its status (not at its message, which would cancel it). */
    Uni<DynamicMessage> unary(String token, Optional<String> node, RpcCatalog.Rpc rpc, DynamicMessage request) {
        return call(token, node, rpc, request, CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)).collect().last();
    }

    /** A server stream, cancelled when the subscriber (the page's connection) goes away; no deadline. */
    Multi<DynamicMessage> serverStream(String token, Optional<String> node, RpcCatalog.Rpc rpc, DynamicMessage request) {
        return call(token, node, rpc, request, CallOptions.DEFAULT);
    }

    private Multi<DynamicMessage> call(String token, Optional<String> node, RpcCatalog.Rpc rpc, DynamicMessage request, CallOptions options) {
        return Multi.createFrom().emitter((MultiEmitter<? super DynamicMessage> emitter) -> {
            ClientCall<DynamicMessage, DynamicMessage> call = newCall(token, node, rpc, options);
            AtomicBoolean ended = new AtomicBoolean();
            emitter.onTermination(() -> {
                ended.set(true);
                call.cancel("the console's client went away", null); // a no-op once the call has closed
            });
            ClientCalls.asyncServerStreamingCall(call, request, new StreamObserver<>() {
                @Override
                public void onNext(DynamicMessage value) {
                    emitter.emit(value);
                }

                @Override
                public void onError(Throwable t) {
                    if (!ended.get()) { // after a cancel of ours, the CANCELLED status has nobody to go to
                        emitter.fail(t);
                    }
                }

                @Override
                public void onCompleted() {
                    emitter.complete();
                }
            });
        });
    }

    /** @param node the node a call to a system with an instance per node is for ({@code keelson-node}) */
    private ClientCall<DynamicMessage, DynamicMessage> newCall(String token, Optional<String> node, RpcCatalog.Rpc rpc, CallOptions options) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        node.ifPresent(n -> headers.put(CallContext.NODE_HEADER, n));
        return ClientInterceptors.intercept(gateway, MetadataUtils.newAttachHeadersInterceptor(headers)).newCall(rpc.method(), options);
    }
}
