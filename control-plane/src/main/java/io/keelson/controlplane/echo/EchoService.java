package io.keelson.controlplane.echo;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.keelson.common.grpc.GrpcErrors;
import io.keelson.echo.v1.EchoRequest;
import io.keelson.echo.v1.EchoResponse;
import io.keelson.echo.v1.EchoServiceGrpc;
import io.keelson.echo.v1.SetGreetingRequest;
import io.keelson.echo.v1.SetGreetingResponse;
import io.keelson.echo.v1.StreamEchoRequest;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** The diagnostic echo system: answers what it is sent, with the identity the gateway forwarded. */
public final class EchoService extends EchoServiceGrpc.EchoServiceImplBase {

    static final int MAX_STREAM = 10_000;
    static final int MAX_GREETING = 64;
    private static final Metadata.Key<String> PRINCIPAL_HEADER =
            Metadata.Key.of("keelson-principal", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> PRINCIPAL = Context.keyWithDefault("echo-principal", "");

    private final AtomicReference<String> greeting = new AtomicReference<>("");

    /** The service with the interceptor that picks up the forwarded identity. */
    public ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(this, new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String principal = headers.get(PRINCIPAL_HEADER);
                Context context = Context.current().withValue(PRINCIPAL, principal == null ? "" : principal);
                return Contexts.interceptCall(context, call, headers, next);
            }
        });
    }

    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        out.onNext(reply(request.getMessage(), request.getPayload(), 0));
        out.onCompleted();
    }

    @Override
    public void streamEcho(StreamEchoRequest request, StreamObserver<EchoResponse> out) {
        if (request.getCount() < 1 || request.getCount() > MAX_STREAM) {
            out.onError(GrpcErrors.invalidArgument(List.of(
                    GrpcErrors.violation("count", "must be between 1 and " + MAX_STREAM + ", was " + request.getCount()))));
            return;
        }
        for (int i = 0; i < request.getCount(); i++) {
            out.onNext(reply(request.getMessage(), com.google.protobuf.ByteString.EMPTY, i));
        }
        out.onCompleted();
    }

    @Override
    public void setGreeting(SetGreetingRequest request, StreamObserver<SetGreetingResponse> out) {
        if (request.getGreeting().length() > MAX_GREETING) {
            out.onError(GrpcErrors.invalidArgument(List.of(GrpcErrors.violation("greeting",
                    "at most " + MAX_GREETING + " characters, was " + request.getGreeting().length()))));
            return;
        }
        out.onNext(SetGreetingResponse.newBuilder().setPrevious(greeting.getAndSet(request.getGreeting())).build());
        out.onCompleted();
    }

    private EchoResponse reply(String message, com.google.protobuf.ByteString payload, int index) {
        return EchoResponse.newBuilder()
                .setMessage(greeting.get() + message)
                .setPayload(payload)
                .setPrincipal(PRINCIPAL.get())
                .setIndex(index)
                .build();
    }
}
