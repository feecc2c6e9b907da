package io.keelson.acrfence.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent (this test, an MCP client) talks to the proxy, which fronts a fake bank MCP server; both run as processes
 * over stdio, as they would beside a real agent. The bank's tools appear unchanged; a re-synthesised transfer after a
 * restore is answered from the journal, a redirected one is refused with the reason, and the ledger shows one transfer.
 */
class FencedMcpProxyTest {

    @TempDir
    Path dir;

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @Test
    void anMcpClientsToolsAreFencedUnchanged() throws Exception {
        Path ledger = dir.resolve("ledger.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        Path config = dir.resolve("proxy.yaml");
        Files.writeString(config, String.join("\n",
                "upstream: [" + java + ", -cp, \"" + classpath + "\", " + BankMcpServer.class.getName() + ", \"" + ledger + "\"]",
                "run: agent-1",
                "journal: journal",
                "tools:",
                "  transfer: {effect: irreversible, volatile: [reference], lookup: transfer_lookup}",
                "  transfer_lookup: {effect: read_only}", ""));
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(tools.jackson.databind.json.JsonMapper.builder().build());
        McpSyncClient agent = McpClient.sync(new StdioClientTransport(ServerParameters.builder(java)
                .args("-cp", classpath, FencedMcpProxy.class.getName(), config.toString()).build(), mapper)).requestTimeout(Duration.ofSeconds(20)).build();
        try {
            agent.initialize();
            assertThat(agent.listTools().tools()).extracting(McpSchema.Tool::name)
                    .contains("transfer", "transfer_lookup", FencedMcpProxy.CHECKPOINT, FencedMcpProxy.RESTORE);
            assertThat(agent.listTools().tools()).filteredOn(t -> t.name().equals("transfer")).singleElement()
                    .satisfies(t -> assertThat(t.inputSchema().required()).containsExactly("to", "amount"));

            String checkpoint = text(agent.callTool(new McpSchema.CallToolRequest(FencedMcpProxy.CHECKPOINT, Map.of())));
            McpSchema.CallToolResult first = agent.callTool(new McpSchema.CallToolRequest("transfer", Map.of("to", "acme", "amount", 500, "reference", "a1b2")));
            assertThat(first.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(text(first)).isEqualTo("sent 500 to acme");
            assertThat(first.meta().toString()).contains("EXECUTED");

            agent.callTool(new McpSchema.CallToolRequest(FencedMcpProxy.RESTORE, Map.of("checkpoint", checkpoint)));
            McpSchema.CallToolResult again = agent.callTool(new McpSchema.CallToolRequest("transfer", Map.of("to", "acme", "amount", 500, "reference", "f9a8")));
            assertThat(text(again)).isEqualTo("sent 500 to acme");
            assertThat(again.meta().toString()).contains("REPLAYED");

            agent.callTool(new McpSchema.CallToolRequest(FencedMcpProxy.RESTORE, Map.of("checkpoint", checkpoint)));
            McpSchema.CallToolResult redirected = agent.callTool(new McpSchema.CallToolRequest("transfer", Map.of("to", "mallory", "amount", 500)));
            assertThat(redirected.isError()).isTrue();
            assertThat(text(redirected)).contains("BLOCKED", "explicit fork");

            McpSchema.CallToolResult bad = agent.callTool(new McpSchema.CallToolRequest("transfer", Map.of("to", "acme")));
            assertThat(bad.isError()).isTrue();
            assertThat(text(bad)).contains("arguments.amount", "required");
        } finally {
            agent.closeGracefully();
        }
        assertThat(Files.readAllLines(ledger)).isEqualTo(List.of("sent 500 to acme"));
    }
}
