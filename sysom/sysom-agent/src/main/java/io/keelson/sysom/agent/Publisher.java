package io.keelson.sysom.agent;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.keelson.common.grpc.SingleResponse;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.v1.StepReport;
import io.keelson.sysom.v1.StreamEventsResponse;
import io.keelson.sysom.v1.SysomServiceGrpc;

import java.util.List;

/** Streams step reports to sysom ({@code StreamEvents}) through the gateway, with the operator token it was given. */
public final class Publisher {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final SysomServiceGrpc.SysomServiceStub stub;

    public Publisher(Channel channel, String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        this.stub = SysomServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Sends every step as one stream and returns sysom's count of what it kept and rejected. */
    public StreamEventsResponse publish(String job, int worldSize, List<RankStep> steps) throws Exception {
        SingleResponse<StreamEventsResponse> reply = new SingleResponse<>();
        StreamObserver<StepReport> out = stub.streamEvents(reply);
        for (RankStep step : steps) {
            out.onNext(StepReports.of(job, worldSize, step));
        }
        out.onCompleted();
        return reply.get(60);
    }
}
