package io.keelson.controlplane.gateway;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.keelson.common.v1.ErrorReason;
import io.keelson.common.v1.GetNodeRequest;
import io.keelson.common.v1.GetNodeResponse;
import io.keelson.common.v1.NodeServiceGrpc;
import io.keelson.controlplane.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Finding a node-level system's instances by node, and where a call goes with and without a node named. */
class NodeDirectoryTest {

    private final List<Server> servers = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T00:00:00Z"));

    @AfterEach
    void stop() {
        servers.forEach(Server::shutdownNow);
    }

    private Server instanceOn(String node) throws IOException {
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(new NodeServiceGrpc.NodeServiceImplBase() {
            @Override
            public void getNode(GetNodeRequest request, StreamObserver<GetNodeResponse> out) {
                out.onNext(GetNodeResponse.newBuilder().setNode(node).build());
                out.onCompleted();
            }
        }).build().start();
        servers.add(server);
        return server;
    }

    private NodeDirectory directory(String spec) {
        return new NodeDirectory("agentcgroup", NodeDirectory.parse(spec, "keelson.systems.agentcgroup.address"),
                (socket, host) -> NettyChannelBuilder.forAddress(socket, InsecureChannelCredentials.create()).overrideAuthority(host).build(), clock);
    }

    private static String reason(NodeDirectory.Choice choice) throws Exception {
        var status = StatusProto.fromThrowable(((NodeDirectory.Choice.Refused) choice).status());
        for (Any detail : status.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                return detail.unpack(ErrorInfo.class).getReason();
            }
        }
        return "";
    }

    @Test
    void aCallNamesItsNodeUnlessThereIsOnlyOneAndANodeThatStopsAnsweringIsUnavailableUntilForgotten() throws Exception {
        Server a = instanceOn("node-a");
        Server b = instanceOn("node-b");
        try (NodeDirectory nodes = directory("127.0.0.1:" + a.getPort() + ", localhost:" + b.getPort())) {
            nodes.refresh();
            assertThat(nodes.nodes()).containsOnlyKeys("node-a", "node-b");
            assertThat(nodes.nodes().get("node-b").address()).isEqualTo("127.0.0.1:" + b.getPort());

            NodeDirectory.Choice toB = nodes.choose(Optional.of("node-b"));
            assertThat(((NodeDirectory.Choice.To) toB).instance().node()).isEqualTo("node-b");

            NodeDirectory.Choice unnamed = nodes.choose(Optional.empty());
            assertThat(((NodeDirectory.Choice.Refused) unnamed).status().getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(((NodeDirectory.Choice.Refused) unnamed).status().getStatus().getDescription()).contains("[node-a, node-b]").contains("keelson-node");
            assertThat(reason(unnamed)).isEqualTo(ErrorReason.ERROR_REASON_NODE_REQUIRED.name());

            NodeDirectory.Choice unknown = nodes.choose(Optional.of("node-z"));
            assertThat(((NodeDirectory.Choice.Refused) unknown).status().getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(reason(unknown)).isEqualTo(ErrorReason.ERROR_REASON_NODE_UNKNOWN.name());

            a.shutdownNow().awaitTermination();
            clock.advance(Duration.ofSeconds(30));
            nodes.refresh();
            assertThat(nodes.nodes().get("node-a").answering()).as("remembered, not answering").isFalse();
            assertThat(nodes.nodes().get("node-b").answering()).isTrue();
            assertThat(nodes.choose(Optional.of("node-a"))).isInstanceOf(NodeDirectory.Choice.To.class);

            clock.advance(NodeDirectory.FORGET_AFTER);
            nodes.refresh();
            assertThat(nodes.nodes()).containsOnlyKeys("node-b");
            assertThat(((NodeDirectory.Choice.To) nodes.choose(Optional.empty())).instance().node()).as("the only node").isEqualTo("node-b");
        }
    }

    @Test
    void noInstanceYetIsUnavailableAndABadAddressNamesItsKey() {
        try (NodeDirectory nodes = directory("no-such-host.invalid:7005")) {
            NodeDirectory.Choice none = nodes.choose(Optional.empty());
            assertThat(((NodeDirectory.Choice.Refused) none).status().getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
        assertThatThrownBy(() -> NodeDirectory.parse("host-without-port", "keelson.systems.schedcp.address"))
                .hasMessageContaining("keelson.systems.schedcp.address").hasMessageContaining("host:port");
        assertThatThrownBy(() -> NodeDirectory.parse("a:7005,b:99999", "k")).hasMessageContaining("'b:99999'");
    }
}
