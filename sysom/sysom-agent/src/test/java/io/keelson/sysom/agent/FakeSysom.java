package io.keelson.sysom.agent;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.keelson.sysom.v1.StepReport;
import io.keelson.sysom.v1.StreamEventsResponse;
import io.keelson.sysom.v1.SysomServiceGrpc;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** sysom's {@code StreamEvents} in process: keeps every step report, remembers the bearer, refuses the first N streams UNAVAILABLE. */
final class FakeSysom implements AutoCloseable {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final List<StepReport> received = new CopyOnWriteArrayList<>();
    final AtomicReference<String> authorization = new AtomicReference<>();
    private final AtomicInteger unavailable;
    private final Server server;
    private final ManagedChannel channel;

    FakeSysom(int unavailableFirst) throws IOException {
        this.unavailable = new AtomicInteger(unavailableFirst);
        SysomServiceGrpc.SysomServiceImplBase sysom = new SysomServiceGrpc.SysomServiceImplBase() {
            @Override
            public StreamObserver<StepReport> streamEvents(StreamObserver<StreamEventsResponse> out) {
                List<StepReport> stream = new CopyOnWriteArrayList<>();
                return new StreamObserver<>() {
                    @Override
                    public void onNext(StepReport value) {
                        stream.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        if (unavailable.getAndDecrement() > 0) {
                            out.onError(Status.UNAVAILABLE.withDescription("sysom is restarting").asRuntimeException());
                            return;
                        }
                        received.addAll(stream);
                        out.onNext(StreamEventsResponse.newBuilder().setAccepted(stream.size()).build());
                        out.onCompleted();
                    }
                };
            }
        };
        String name = InProcessServerBuilder.generateName();
        this.server = InProcessServerBuilder.forName(name).addService(ServerInterceptors.intercept(sysom, new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                authorization.set(headers.get(AUTHORIZATION));
                return next.startCall(call, headers);
            }
        })).build().start();
        this.channel = InProcessChannelBuilder.forName(name).build();
    }

    Publisher publisher(String token) {
        return new Publisher(channel, token);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
    }
}
