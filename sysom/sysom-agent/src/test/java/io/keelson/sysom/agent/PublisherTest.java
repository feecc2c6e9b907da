package io.keelson.sysom.agent;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.keelson.sysom.core.xfault.ClusterSimulator;
import io.keelson.sysom.core.xfault.KernelProfile;
import io.keelson.sysom.core.xfault.Topology;
import io.keelson.sysom.v1.StepReport;
import io.keelson.sysom.v1.StreamEventsResponse;
import io.keelson.sysom.v1.SysomServiceGrpc;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class PublisherTest {

    @Test
    void stepsGoOutAsOneStreamWithTheBearerToken() throws Exception {
        List<StepReport> received = new ArrayList<>();
        AtomicReference<String> authorization = new AtomicReference<>();
        SysomServiceGrpc.SysomServiceImplBase sysom = new SysomServiceGrpc.SysomServiceImplBase() {
            @Override
            public StreamObserver<StepReport> streamEvents(StreamObserver<StreamEventsResponse> out) {
                return new StreamObserver<>() {
                    @Override
                    public void onNext(StepReport value) {
                        received.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onNext(StreamEventsResponse.newBuilder().setAccepted(received.size()).build());
                        out.onCompleted();
                    }
                };
            }
        };
        String name = InProcessServerBuilder.generateName();
        Metadata.Key<String> key = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        Server server = InProcessServerBuilder.forName(name).addService(ServerInterceptors.intercept(sysom, new io.grpc.ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
                                                                      io.grpc.ServerCallHandler<Q, R> next) {
                authorization.set(headers.get(key));
                return next.startCall(call, headers);
            }
        })).build().start();
        var channel = InProcessChannelBuilder.forName(name).build();
        try {
            var steps = new ClusterSimulator(ClusterSimulator.Config.of(new Topology(2, 2, 2), KernelProfile.bundled(), 1), List.of()).step();
            StreamEventsResponse r = new Publisher(channel, "kt_secret").publish("job-1", 8, steps);
            assertThat(r.getAccepted()).isEqualTo(8);
            assertThat(authorization.get()).isEqualTo("Bearer kt_secret");
            assertThat(received).extracting(StepReport::getRank).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
            assertThat(received.get(3).getCollectivesCount()).isEqualTo(steps.get(3).collectives().size());
            assertThat(received.get(3).getEndMicros()).isEqualTo(steps.get(3).endMicros());
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }
}
