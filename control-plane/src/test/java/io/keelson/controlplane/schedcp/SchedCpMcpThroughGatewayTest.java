package io.keelson.controlplane.schedcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.ops.Platform;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.controlplane.v1.AuditEvent;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.controlplane.v1.Decision;
import io.keelson.controlplane.v1.ListAuditEventsRequest;
import io.keelson.schedcp.mcp.SchedCpMcpHttpServer;
import io.keelson.schedcp.v1.ListWorkloadsRequest;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.keelson.schedcp.v1.Workload;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * schedcp's MCP endpoint over HTTP in front of the real gateway: each tool call is the caller's own gRPC call, so the
 * gateway's roles decide it and its audit log says which token did what; and MCP and gRPC clients share one schedcp.
 */
@QuarkusTest
class SchedCpMcpThroughGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Platform platform;

    private String issue(Role role, String name) {
        return platform.tokens().create(name, role, Set.of("schedcp"), Optional.empty(), "test").bearer();
    }

    private static McpSyncClient agent(int port, String bearer) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port).endpoint("/mcp")
                .jsonMapper(new JacksonMcpJsonMapper(tools.jackson.databind.json.JsonMapper.builder().build()))
                .customizeRequest(b -> b.header("Authorization", "Bearer " + bearer)).build();
        McpSyncClient c = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        c.initialize();
        return c;
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @Test
    void mcpToolCallsAreAuthorisedByTheGatewayAndAuditedUnderTheCallersToken() throws Exception {
        String viewer = issue(Role.VIEWER, "mcp-viewer");
        String operator = issue(Role.OPERATOR, "mcp-operator");
        String admin = platform.tokens().create("mcp-auditor", Role.ADMIN, Set.of(ApiToken.ALL_SYSTEMS), Optional.empty(), "test").bearer();
        ManagedChannel gateway = Grpc.newChannelBuilderForAddress("127.0.0.1", platform.gatewayPort(), InsecureChannelCredentials.create()).build();
        try (SchedCpMcpHttpServer mcp = SchedCpMcpHttpServer.start(gateway, new InetSocketAddress("127.0.0.1", 0), Optional.empty());
             GatewayClient client = GatewayClient.connect(platform.gatewayPort())) {
            McpSyncClient asViewer = agent(mcp.port(), viewer);
            McpSchema.CallToolResult refused = asViewer.callTool(new McpSchema.CallToolRequest("workload",
                    Map.of("command", "create", "description", "kernel build, 2 CPUs")));
            assertThat(refused.isError()).isTrue();
            assertThat(text(refused)).startsWith("permission denied:").contains("viewer");
            assertThat(asViewer.callTool(new McpSchema.CallToolRequest("workload", Map.of("command", "list"))).isError()).isNotEqualTo(Boolean.TRUE);
            asViewer.closeGracefully();

            McpSyncClient asOperator = agent(mcp.port(), operator);
            McpSchema.CallToolResult created = asOperator.callTool(new McpSchema.CallToolRequest("workload",
                    Map.of("command", "create", "description", "kernel build, 2 CPUs")));
            assertThat(created.isError()).as(text(created)).isNotEqualTo(Boolean.TRUE);
            String workloadId = JSON.readTree(text(created)).get("workload_id").asText();
            asOperator.closeGracefully();

            // one schedcp: what the agent created over MCP, a gRPC client sees
            assertThat(SchedCpServiceGrpc.newBlockingStub(client.as(viewer)).listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getWorkloadsList())
                    .extracting(Workload::getWorkloadId).contains(workloadId);

            assertThat(platform.auditTrail().awaitWritten(Duration.ofSeconds(10))).isTrue();
            ControlPlaneServiceGrpc.ControlPlaneServiceBlockingStub audit = client.controlPlane(admin);
            List<AuditEvent> byOperator = audit.listAuditEvents(ListAuditEventsRequest.newBuilder().setPrincipal(operator.substring(3, 19))
                    .setSystem("schedcp").build()).getEventsList();
            List<AuditEvent> byViewer = audit.listAuditEvents(ListAuditEventsRequest.newBuilder().setPrincipal(viewer.substring(3, 19))
                    .setSystem("schedcp").build()).getEventsList();
            assertThat(byOperator).extracting(AuditEvent::getMethod, AuditEvent::getDecision)
                    .containsExactly(tuple("keelson.schedcp.v1.SchedCpService/CreateWorkload", Decision.DECISION_ALLOWED));
            assertThat(byViewer).extracting(AuditEvent::getMethod, AuditEvent::getDecision).containsExactly(
                    tuple("keelson.schedcp.v1.SchedCpService/ListWorkloads", Decision.DECISION_ALLOWED),
                    tuple("keelson.schedcp.v1.SchedCpService/ListWorkloads", Decision.DECISION_ALLOWED),
                    tuple("keelson.schedcp.v1.SchedCpService/CreateWorkload", Decision.DECISION_DENIED));
        } finally {
            gateway.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
