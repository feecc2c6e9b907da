package io.keelson.schedcp.mcp;

import io.grpc.Context;
import io.grpc.Contexts;
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
import io.keelson.common.v1.Role;
import io.keelson.controlplane.v1.ApiToken;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.controlplane.v1.WhoAmIRequest;
import io.keelson.controlplane.v1.WhoAmIResponse;
import io.keelson.schedcp.core.SchedCp;
import io.keelson.schedcp.core.testing.StandInSchedulers;
import io.keelson.schedcp.service.SchedCpGrpcService;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The MCP endpoint over HTTP refuses requests without a platform token, and makes every tool call through the gateway
 * as its caller. The gateway here is a stand-in (the control plane's WhoAmI, schedcp's real gRPC service, and a
 * refusal of writes for the viewer token); the real gateway's roles and audit log are tested in the control plane's
 * {@code SchedCpMcpThroughGatewayTest}.
 */
class SchedCpMcpHttpServerTest {

    private static final Context.Key<String> BEARER = Context.key("bearer");
    private static final Set<String> READS = Set.of("ListSchedulers", "GetExecutionStatus", "ListWorkloads", "GetWorkloadHistory", "MonitorSystem");
    private static final Map<String, ApiToken> TOKENS = Map.of(
            "viewer-token", ApiToken.newBuilder().setName("dashboard").setRole(Role.ROLE_VIEWER).addScopes("*").build(),
            "operator-token", ApiToken.newBuilder().setName("sched-agent").setRole(Role.ROLE_OPERATOR).addScopes("schedcp").build());

    @TempDir
    Path dir;
    private Server gateway;
    private ManagedChannel channel;
    private SchedCp schedcp;
    private SchedCpMcpHttpServer http;
    /** "method as token" for each schedcp call the stand-in gateway received. */
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        ControlPlaneServiceGrpc.ControlPlaneServiceImplBase whoAmI = new ControlPlaneServiceGrpc.ControlPlaneServiceImplBase() {
            @Override
            public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> out) {
                ApiToken t = TOKENS.get(BEARER.get());
                if (t == null) {
                    out.onError(Status.UNAUTHENTICATED.withDescription("unknown token").asRuntimeException());
                } else {
                    out.onNext(WhoAmIResponse.newBuilder().setToken(t).build());
                    out.onCompleted();
                }
            }
        };
        Path bin = Files.createDirectories(dir.resolve("bin"));
        StandInSchedulers.install(bin, "scx_simple");
        schedcp = SchedCp.open(dir.resolve("state"), bin);
        ServerInterceptor bearer = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                String auth = headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
                return Contexts.interceptCall(Context.current().withValue(BEARER, auth == null ? "" : auth.replaceFirst("^Bearer ", "")), call, headers, next);
            }
        };
        ServerInterceptor standInGateway = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                String method = call.getMethodDescriptor().getBareMethodName();
                received.add(method + " as " + BEARER.get());
                if (BEARER.get().equals("viewer-token") && !READS.contains(method)) {
                    call.close(Status.PERMISSION_DENIED.withDescription("stand-in gateway: token dashboard is ROLE_VIEWER; " + method
                            + " needs ROLE_OPERATOR"), new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                return next.startCall(call, headers);
            }
        };
        gateway = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(whoAmI, bearer))
                .addService(ServerInterceptors.intercept(new SchedCpGrpcService(schedcp), standInGateway, bearer))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        http = SchedCpMcpHttpServer.start(channel, new InetSocketAddress("127.0.0.1", 0), Optional.empty());
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        schedcp.close();
        channel.shutdownNow();
        gateway.shutdownNow();
    }

    private McpSyncClient client(String bearer) {
        return client(bearer, "http://127.0.0.1:" + http.port(), null);
    }

    private static McpSyncClient client(String bearer, String base, SSLContext trust) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .customizeClient(b -> {
                    if (trust != null) {
                        b.sslContext(trust);
                    }
                })
                .endpoint("/mcp").jsonMapper(new JacksonMcpJsonMapper(tools.jackson.databind.json.JsonMapper.builder().build()))
                .customizeRequest(b -> {
                    if (bearer != null) {
                        b.header("Authorization", "Bearer " + bearer);
                    }
                }).build();
        McpSyncClient c = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        c.initialize();
        return c;
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @Test
    void overHttpsWithAPemCertificateTheSameTokensWork() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl;
        try {
            openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("openssl is not installed to make a test certificate");
            return;
        }
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor()).isZero();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (var in = Files.newInputStream(cert)) {
            trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext trust = SSLContext.getInstance("TLS");
        trust.init(null, tmf.getTrustManagers(), null);

        try (SchedCpMcpHttpServer https = SchedCpMcpHttpServer.start(channel, new InetSocketAddress("127.0.0.1", 0),
                Optional.of(new SchedCpMcpHttpServer.Tls(cert, key)))) {
            McpSyncClient operator = client("operator-token", "https://127.0.0.1:" + https.port(), trust);
            assertThat(operator.listTools().tools()).hasSize(7);
            operator.closeGracefully();
            assertThatThrownBy(() -> client("operator-token", "http://127.0.0.1:" + https.port(), null)).as("plain HTTP to the HTTPS port")
                    .isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void withoutAValidTokenNothingIsServed() {
        assertThatThrownBy(() -> client(null)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> client("forged")).isInstanceOf(RuntimeException.class);
    }

    @Test
    void everyToolCallGoesThroughTheGatewayAsItsCallerAndItsRefusalsAreSaidPlainly() {
        McpSyncClient viewer = client("viewer-token");
        assertThat(viewer.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrderElementsOf(SchedCpTools.NAMES);
        assertThat(viewer.callTool(new McpSchema.CallToolRequest("list_schedulers", Map.of("name", "rusty"))).isError()).isNotEqualTo(Boolean.TRUE);
        McpSchema.CallToolResult refused = viewer.callTool(new McpSchema.CallToolRequest("run_scheduler", Map.of("name", "scx_simple")));
        assertThat(refused.isError()).isTrue();
        assertThat(text(refused)).isEqualTo("permission denied: stand-in gateway: token dashboard is ROLE_VIEWER; RunScheduler needs ROLE_OPERATOR");
        viewer.closeGracefully();

        McpSyncClient operator = client("operator-token");
        McpSchema.CallToolResult run = operator.callTool(new McpSchema.CallToolRequest("run_scheduler", Map.of("name", "scx_simple", "args", List.of())));
        assertThat(run.isError()).as(text(run)).isNotEqualTo(Boolean.TRUE);
        assertThat(schedcp.runner().running()).isPresent(); // the service behind the gateway ran it: one state for MCP and gRPC
        McpSchema.CallToolResult unknown = operator.callTool(new McpSchema.CallToolRequest("get_execution_status", Map.of("execution_id", "nope")));
        assertThat(text(unknown)).startsWith("error: execution_id:");
        McpSchema.CallToolResult badArgument = operator.callTool(new McpSchema.CallToolRequest("run_scheduler", Map.of("name", 7)));
        assertThat(text(badArgument)).isEqualTo("error: name: must be a string, was Integer");
        operator.closeGracefully();

        assertThat(received).containsExactly("ListSchedulers as viewer-token", "RunScheduler as viewer-token", "RunScheduler as operator-token",
                "GetExecutionStatus as operator-token"); // an argument refused at the door never reaches the gateway
    }
}
