package io.keelson.acrfence.mcp;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A fake bank as an MCP server (the upstream of the proxy test): {@code transfer} dedupes on the agent's reference
 * and on the {@code _meta.idempotency_key} it is given, appends every real transfer to a ledger file, and
 * {@code transfer_lookup} answers what happened under a key. {@code BankMcpServer LEDGER}.
 */
public final class BankMcpServer {

    private BankMcpServer() {
    }

    public static void main(String[] args) throws Exception {
        Path ledger = Path.of(args[0]);
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(tools.jackson.databind.json.JsonMapper.builder().build());
        Map<String, String> byKey = new HashMap<>();
        Map<String, String> byReference = new HashMap<>();
        McpServerFeatures.SyncToolSpecification transfer = new McpServerFeatures.SyncToolSpecification(McpSchema.Tool.builder().name("transfer")
                .description("send money").inputSchema(mapper, "{\"type\":\"object\",\"properties\":{\"to\":{\"type\":\"string\"},\"amount\":{\"type\":\"number\"},"
                        + "\"reference\":{\"type\":\"string\"}},\"required\":[\"to\",\"amount\"]}").build(), (exchange, request) -> {
                    synchronized (byKey) {
                        String key = request.meta() == null ? "" : String.valueOf(request.meta().getOrDefault("idempotency_key", ""));
                        String reference = String.valueOf(request.arguments().getOrDefault("reference", ""));
                        String receipt = byKey.containsKey(key) ? byKey.get(key) : byReference.get(reference);
                        if (receipt == null) {
                            receipt = "sent " + request.arguments().get("amount") + " to " + request.arguments().get("to");
                            try {
                                Files.writeString(ledger, receipt + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            byReference.put(reference, receipt);
                        }
                        byKey.put(key, receipt);
                        return McpSchema.CallToolResult.builder().addTextContent(receipt).build();
                    }
                });
        McpServerFeatures.SyncToolSpecification lookup = new McpServerFeatures.SyncToolSpecification(McpSchema.Tool.builder().name("transfer_lookup")
                .description("what happened under an idempotency key").inputSchema(mapper, "{\"type\":\"object\",\"properties\":{\"idempotency_key\":"
                        + "{\"type\":\"string\"}},\"required\":[\"idempotency_key\"]}").build(), (exchange, request) -> {
                    synchronized (byKey) {
                        String receipt = byKey.get(String.valueOf(request.arguments().get("idempotency_key")));
                        return receipt == null ? McpSchema.CallToolResult.builder().addTextContent("unknown key").isError(true).build()
                                : McpSchema.CallToolResult.builder().addTextContent(receipt).build();
                    }
                });
        McpServer.sync(new StdioServerTransportProvider(mapper)).serverInfo("fake-bank", "1").capabilities(McpSchema.ServerCapabilities.builder()
                .tools(true).build()).tools(transfer, lookup).build();
        Thread.currentThread().join();
    }
}
