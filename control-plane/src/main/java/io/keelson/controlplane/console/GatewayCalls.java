package io.keelson.controlplane.console;

import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;

import java.time.Duration;
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

    Uni<DynamicMessage> unary(String token, RpcCatalog.Rpc rpc, DynamicMessage request) {
        return Uni.createFrom().emitter(emitter -> {
            ClientCall<DynamicMessage, DynamicMessage> call = newCall(token, rpc, CallOptions.DEFAULT
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
            AtomicBoolean ended = new AtomicBoolean();
            emitter.onTermination(() -> {
                ended.set(true);
                call.cancel("the console's client went away", null);
            });
            ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {
                private DynamicMessage reply;

                @Override
                public void onNext(DynamicMessage value) {
                    reply = value;
                }

                @Override
                public void onError(Throwable t) {
                    if (!ended.get()) { // after a cancel of ours, the CANCELLED status has nobody to go to
                        emitter.fail(t);
                    }
                }

                @Override
                public void onCompleted() {
                    // only now, with the call closed OK: answering at the message would cancel it before its status
                    emitter.complete(reply);
                }
            });
        });
    }

    /** A server stream, cancelled when the subscriber (the page's connection) goes away; no deadline. */
    Multi<DynamicMessage> serverStream(String token, RpcCatalog.Rpc rpc, DynamicMessage request) {
        return Multi.createFrom().emitter((MultiEmitter<? super DynamicMessage> emitter) -> {
            ClientCall<DynamicMessage, DynamicMessage> call = newCall(token, rpc, CallOptions.DEFAULT);
            AtomicBoolean ended = new AtomicBoolean();
            emitter.onTermination(() -> {
                ended.set(true);
                call.cancel("the console's client went away", null);
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

    private ClientCall<DynamicMessage, DynamicMessage> newCall(String token, RpcCatalog.Rpc rpc, CallOptions options) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return ClientInterceptors.intercept(gateway, MetadataUtils.newAttachHeadersInterceptor(headers)).newCall(rpc.method(), options);
    }
}
