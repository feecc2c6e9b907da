package io.keelson.controlplane.gateway;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.ops.Platform;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.controlplane.testing.TestCertificates;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.controlplane.v1.WhoAmIRequest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Clients reach the gateway over TLS and must present a certificate signed by the configured CA (mTLS). */
@QuarkusTest
@TestProfile(GatewayTlsTest.Profile.class)
class GatewayTlsTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Certificates.class));
        }
    }

    /** Makes the certificates and points the gateway's TLS keys at them. */
    public static class Certificates implements QuarkusTestResourceLifecycleManager {
        private TestCertificates certs;

        @Override
        public Map<String, String> start() {
            certs = TestCertificates.create();
            return Map.of(
                    "keelson.gateway.tls-cert", certs.serverCert().toString(),
                    "keelson.gateway.tls-key", certs.serverKey().toString(),
                    "keelson.gateway.tls-client-ca", certs.ca().toString());
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(certs, new TestInjector.MatchesType(TestCertificates.class));
        }

        @Override
        public void stop() {
        }
    }

    @Inject
    Platform platform;

    TestCertificates certificates;

    @Test
    void aClientWithACertificateIsServedOthersAreRefusedAtTheHandshake() throws Exception {
        String viewer = platform.tokens().create("tls", Role.VIEWER, Set.of(ApiToken.ALL_SYSTEMS), Optional.empty(), "test").bearer();
        ChannelCredentials withCert = TlsChannelCredentials.newBuilder()
                .keyManager(certificates.clientCert().toFile(), certificates.clientKey().toFile())
                .trustManager(certificates.ca().toFile())
                .build();
        ChannelCredentials withoutCert = TlsChannelCredentials.newBuilder().trustManager(certificates.ca().toFile()).build();

        assertThat(whoAmI(withCert, viewer)).isEqualTo(Status.Code.OK);
        assertThat(whoAmI(withoutCert, viewer)).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(whoAmI(InsecureChannelCredentials.create(), viewer)).isEqualTo(Status.Code.UNAVAILABLE);
    }

    private Status.Code whoAmI(ChannelCredentials credentials, String bearer) throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", platform.gatewayPort(), credentials)
                .overrideAuthority("localhost")
                .build();
        try {
            ControlPlaneServiceGrpc.newBlockingStub(GatewayClient.withBearer(channel, bearer))
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .whoAmI(WhoAmIRequest.getDefaultInstance());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
