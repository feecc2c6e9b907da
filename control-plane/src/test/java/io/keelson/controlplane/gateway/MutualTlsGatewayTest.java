package io.keelson.controlplane.gateway;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.testing.ServiceProcess;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.controlplane.testing.TestCertificates;
import io.keelson.echo.v1.EchoRequest;
import io.keelson.echo.v1.EchoServiceGrpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Gateway → service over mutual TLS: the gateway's certificate opens the route, nothing else does. */
@QuarkusTest
@TestProfile(MutualTlsGatewayTest.Profile.class)
class MutualTlsGatewayTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MutualTlsResource.class));
        }
    }

    @jakarta.inject.Inject
    io.keelson.controlplane.ops.Platform platform;

    ServiceProcess echoProcess;
    TestCertificates certificates;

    @Test
    void theGatewayReachesAnMtlsServiceWithItsClientCertificate() throws Exception {
        String viewer = platform.tokens().create("mtls", Role.VIEWER, Set.of(ApiToken.ALL_SYSTEMS), Optional.empty(), "test").bearer();
        try (GatewayClient client = GatewayClient.connect(platform.gatewayPort())) {
            assertThat(client.echo(viewer).echo(EchoRequest.newBuilder().setMessage("over mTLS").build()).getMessage())
                    .isEqualTo("over mTLS");
        }
    }

    @Test
    void theServiceRefusesPlaintextAndClientsWithoutACertificate() throws Exception {
        ChannelCredentials noClientCert = TlsChannelCredentials.newBuilder().trustManager(certificates.ca().toFile()).build();

        assertThat(callDirect(InsecureChannelCredentials.create())).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(callDirect(noClientCert)).isEqualTo(Status.Code.UNAVAILABLE);
    }

    private Status.Code callDirect(ChannelCredentials credentials) throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilder(echoProcess.address(), credentials).build();
        try {
            EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .echo(EchoRequest.newBuilder().setMessage("sneak").build());
            return Status.Code.OK;
        } catch (io.grpc.StatusRuntimeException e) {
            return e.getStatus().getCode();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
