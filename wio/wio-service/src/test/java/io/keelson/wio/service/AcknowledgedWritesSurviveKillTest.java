package io.keelson.wio.service;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.keelson.common.grpc.SingleResponse;
import io.keelson.wio.v1.DeployActorRequest;
import io.keelson.wio.v1.ReadRequest;
import io.keelson.wio.v1.ReadResponse;
import io.keelson.wio.v1.Side;
import io.keelson.wio.v1.WioServiceGrpc;
import io.keelson.wio.v1.WriteRequest;
import io.keelson.wio.v1.WriteResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wio server as its own process, killed with SIGKILL and restarted: the records it acknowledged are read back, and
 * its actors are there again with the state they had (the region and the deployments are files).
 */
class AcknowledgedWritesSurviveKillTest {

    @TempDir
    Path home;

    private Process start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), WioServer.class.getName(), "0").redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("KEELSON_HOME", home.toString());
        return pb.start();
    }

    private static ManagedChannel connect(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("LISTENING ")) {
            // skip what comes before
        }
        assertThat(line).as("the server printed LISTENING").isNotNull();
        return NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(line.substring(10).trim())).usePlaintext().build();
    }

    @Test
    void recordsAcknowledgedBeforeAKillMinus9AreStoredAndTheActorsComeBack() throws Exception {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            records.add("record " + i);
        }
        Process server = start();
        ManagedChannel channel = connect(server);
        try {
            WioServiceGrpc.newBlockingStub(channel).deployActor(DeployActorRequest.newBuilder().setName("check").setBundled("crc32c")
                    .setSide(Side.SIDE_HOST).build());
            SingleResponse<WriteResponse> ack = new SingleResponse<>();
            StreamObserver<WriteRequest> in = WioServiceGrpc.newStub(channel).write(ack);
            for (int i = 0; i < records.size(); i++) {
                WriteRequest.Builder b = WriteRequest.newBuilder().setRecord(ByteString.copyFromUtf8(records.get(i)));
                in.onNext(i == 0 ? b.addPipeline("check").build() : b.build());
            }
            in.onCompleted();
            assertThat(ack.get(30).getStored()).isEqualTo(1_000);
        } finally {
            channel.shutdownNow();
            server.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        Process again = start();
        ManagedChannel channel2 = connect(again);
        try {
            var stub = WioServiceGrpc.newBlockingStub(channel2);
            assertThat(stub.listActors(io.keelson.wio.v1.ListActorsRequest.getDefaultInstance()).getActorsList()).singleElement().satisfies(a -> {
                assertThat(a.getName()).isEqualTo("check");
                assertThat(a.getSide()).isEqualTo(Side.SIDE_HOST);
                assertThat(a.getRecordsProcessed()).isEqualTo(1_000);
            });
            List<ReadResponse> back = new ArrayList<>();
            stub.read(ReadRequest.newBuilder().addPipeline("check").build()).forEachRemaining(back::add);
            assertThat(back).hasSize(1_000).allSatisfy(r -> assertThat(r.getChecksumOk()).isTrue());
            assertThat(back).extracting(r -> new String(Base64.getDecoder().decode(r.getFields(0).getValue()), StandardCharsets.UTF_8))
                    .isEqualTo(records);
        } finally {
            channel2.shutdownNow();
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
