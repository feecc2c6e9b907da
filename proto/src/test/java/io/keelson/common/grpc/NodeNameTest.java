package io.keelson.common.grpc;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.keelson.common.v1.GetNodeRequest;
import io.keelson.common.v1.NodeServiceGrpc;
import io.keelson.echo.v1.EchoServiceGrpc;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NodeNameTest {

    @Test
    void theNodeIsTheOneNamedElseTheKernelsHostNameWithoutAskingDns() {
        assertThat(NodeName.of(Map.of("KEELSON_NODE_NAME", "gpu-node-7"))).isEqualTo("gpu-node-7");
        assertThat(NodeName.of(Map.of("KEELSON_NODE_NAME", " "))).isNotBlank().isEqualTo(NodeName.of(Map.of()));
    }

    @Test
    void everyStandaloneServiceSaysWhichNodeItRunsOn() throws Exception {
        Server server = ServiceMain.start(new String[] {"0"}, new EchoServiceGrpc.EchoServiceImplBase() { });
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), InsecureChannelCredentials.create()).build();
        try {
            assertThat(NodeServiceGrpc.newBlockingStub(channel).getNode(GetNodeRequest.getDefaultInstance()).getNode())
                    .isEqualTo(NodeName.of(System.getenv())).isNotBlank();
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }
}
