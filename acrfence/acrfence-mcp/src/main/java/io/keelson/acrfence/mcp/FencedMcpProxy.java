package io.keelson.acrfence.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.keelson.acrfence.core.fence.Fence;
import io.keelson.acrfence.core.fence.FenceException;
import io.keelson.acrfence.core.fence.FenceKey;
import io.keelson.acrfence.core.fence.Invocation;
import io.keelson.acrfence.core.fence.Outcome;
import io.keelson.acrfence.core.journal.FileJournal;
import io.keelson.acrfence.core.json.CanonicalJson;
import io.keelson.acrfence.core.tool.ArgumentSpec;
import io.keelson.acrfence.core.tool.ToolRegistry;
import io.keelson.acrfence.core.tool.ToolSchema;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ACRFence's MCP proxy: an MCP server to the agent that offers the upstream MCP server's tools unchanged (names,
 * descriptions, input schemas) and passes every call through the fence, plus {@code acrfence_checkpoint} and
 * {@code acrfence_restore} for the agent framework's checkpoint hooks. One proxy fences one run. Each answer says in
 * its {@code _meta.acrfence} what the fence decided; a call the fence did not let through is an error result with
 * the reason in words. Start: {@code java -cp <classpath> io.keelson.acrfence.mcp.FencedMcpProxy CONFIG.yaml}
 * (stdio on both sides).
 */
public final class FencedMcpProxy implements AutoCloseable {

    static final String CHECKPOINT = "acrfence_checkpoint";
    static final String RESTORE = "acrfence_restore";

    private final ProxyConfig config;
    private final McpSyncClient upstream;
    private final Fence fence;
    private final McpSyncServer server;
    private volatile String branch;

    private FencedMcpProxy(ProxyConfig config, McpJsonMapper mapper, InputStream in, OutputStream out) {
        this.config = config;
        List<String> command = config.upstream();
        this.upstream = McpClient.sync(new StdioClientTransport(ServerParameters.builder(command.get(0)).args(command.subList(1, command.size())).build(),
                mapper)).requestTimeout(Duration.ofSeconds(30)).build();
        upstream.initialize();
        List<McpSchema.Tool> offered = new ArrayList<>();
        for (String cursor = null; ; ) {
            McpSchema.ListToolsResult page = cursor == null ? upstream.listTools() : upstream.listTools(cursor);
            offered.addAll(page.tools());
            cursor = page.nextCursor();
            if (cursor == null || cursor.isEmpty()) {
                break;
            }
        }
        ToolRegistry tools = new ToolRegistry();
        for (McpSchema.Tool t : offered) {
            ProxyConfig.ToolPolicy policy = config.policy(t.name());
            tools.register(schema(t, policy), new McpToolEndpoint(upstream, t.name(), policy.lookup()));
        }
        this.fence = new Fence(FileJournal.open(config.journal(), Clock.systemUTC()), tools, FenceKey.loadOrCreate(config.journal()));
        this.branch = fence.liveBranch(config.run()).orElseGet(() -> fence.openRun(config.run())).branch();
        List<McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
        for (McpSchema.Tool t : offered) {
            specs.add(new McpServerFeatures.SyncToolSpecification(t, (exchange, request) -> call(request)));
        }
        specs.add(new McpServerFeatures.SyncToolSpecification(McpSchema.Tool.builder().name(CHECKPOINT)
                .description("acrfence: record that the agent's state was checkpointed; returns the checkpoint id to restore to")
                .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{}}").build(), (exchange, request) -> checkpoint()));
        specs.add(new McpServerFeatures.SyncToolSpecification(McpSchema.Tool.builder().name(RESTORE)
                .description("acrfence: the agent was restored to this checkpoint; calls it repeats are answered from the journal")
                .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{\"checkpoint\":{\"type\":\"string\"}},\"required\":[\"checkpoint\"]}").build(),
                (exchange, request) -> restore(request)));
        this.server = McpServer.sync(new io.modelcontextprotocol.server.transport.StdioServerTransportProvider(mapper, in, out))
                .serverInfo("keelson-acrfence-proxy", "0.1.0").capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(specs).build();
    }

    public static FencedMcpProxy start(ProxyConfig config, InputStream in, OutputStream out) {
        return new FencedMcpProxy(config, new JacksonMcpJsonMapper(tools.jackson.databind.json.JsonMapper.builder().build()), in, out);
    }

    /** The fence's schema for an upstream tool: its input schema's properties, the operator's effect class and volatile arguments. */
    static ToolSchema schema(McpSchema.Tool tool, ProxyConfig.ToolPolicy policy) {
        List<ArgumentSpec> args = new ArrayList<>();
        McpSchema.JsonSchema input = tool.inputSchema();
        if (input != null && input.properties() != null) {
            List<String> required = input.required() == null ? List.of() : input.required();
            for (Map.Entry<String, Object> p : input.properties().entrySet()) {
                Object type = p.getValue() instanceof Map<?, ?> m ? m.get("type") : null;
                ArgumentSpec.Type t = type instanceof String s ? switch (s) {
                    case "string" -> ArgumentSpec.Type.STRING;
                    case "number" -> ArgumentSpec.Type.NUMBER;
                    case "integer" -> ArgumentSpec.Type.INTEGER;
                    case "boolean" -> ArgumentSpec.Type.BOOLEAN;
                    case "object" -> ArgumentSpec.Type.OBJECT;
                    case "array" -> ArgumentSpec.Type.ARRAY;
                    default -> ArgumentSpec.Type.ANY;
                } : ArgumentSpec.Type.ANY;
                args.add(new ArgumentSpec(p.getKey(), t, required.contains(p.getKey()),
                        policy.volatileArguments().contains(p.getKey()) ? ArgumentSpec.Role.VOLATILE : ArgumentSpec.Role.INTENT));
            }
        }
        return new ToolSchema(tool.name(), 1, policy.effect(), args, false);
    }

    private McpSchema.CallToolResult call(McpSchema.CallToolRequest request) {
        String args;
        try {
            args = CanonicalJson.mapper().writeValueAsString(request.arguments() == null ? Map.of() : request.arguments());
        } catch (JsonProcessingException e) {
            return error("arguments: " + e.getOriginalMessage());
        }
        Outcome o;
        try {
            o = fence.invoke(new Invocation(config.run(), branch, request.name(), args, Optional.empty()));
        } catch (FenceException e) {
            return error(e.getMessage());
        }
        Map<String, Object> meta = Map.of("acrfence", Map.of("decision", o.getClass().getSimpleName().toUpperCase(), "decision_id", o.decisionId()));
        if (o instanceof Outcome.Executed e) {
            return answer(e.result(), meta);
        }
        if (o instanceof Outcome.Replayed r) {
            return answer(r.result(), meta);
        }
        if (o instanceof Outcome.PassedThrough p) {
            return answer(p.result(), meta);
        }
        String why = o instanceof Outcome.Blocked b ? "BLOCKED: " + b.reason()
                : o instanceof Outcome.Refused r ? "REFUSED (" + r.reason() + "): " + r.detail()
                : o instanceof Outcome.Failed f ? "the service refused it: " + f.error()
                : "no answer from the service; the outcome is unknown and will be reconciled: " + ((Outcome.Unknown) o).error();
        return McpSchema.CallToolResult.builder().addTextContent("acrfence: " + why).isError(true).meta(meta).build();
    }

    private static McpSchema.CallToolResult answer(String stored, Map<String, Object> meta) {
        JsonNode answer = CanonicalJson.parse(stored);
        McpSchema.CallToolResult.Builder b = McpSchema.CallToolResult.builder().meta(meta);
        answer.path("text").forEach(t -> b.addTextContent(t.asText()));
        if (answer.has("structured")) {
            b.structuredContent(CanonicalJson.mapper().convertValue(answer.get("structured"), Map.class));
        }
        return b.build();
    }

    private McpSchema.CallToolResult checkpoint() {
        String id = fence.checkpoint(config.run(), branch);
        return McpSchema.CallToolResult.builder().addTextContent(id).structuredContent(Map.of("checkpoint", id)).build();
    }

    private McpSchema.CallToolResult restore(McpSchema.CallToolRequest request) {
        Object checkpoint = request.arguments() == null ? null : request.arguments().get("checkpoint");
        try {
            branch = fence.restore(config.run(), String.valueOf(checkpoint)).branch();
        } catch (FenceException e) {
            return error(e.getMessage());
        }
        return McpSchema.CallToolResult.builder().addTextContent("restored to " + checkpoint + " as branch " + branch).build();
    }

    private static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder().addTextContent("acrfence: " + message).isError(true).build();
    }

    @Override
    public void close() {
        server.closeGracefully();
        upstream.closeGracefully();
        fence.close();
    }

    /** {@code FencedMcpProxy CONFIG.yaml}: serves MCP on stdin/stdout until the agent goes away. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: FencedMcpProxy CONFIG.yaml");
            System.exit(2);
        }
        // stdout is the MCP channel: one stray println from any library would end the agent's session, so only the transport gets it
        PrintStream channel = System.out;
        System.setOut(System.err);
        FencedMcpProxy proxy = start(ProxyConfig.load(Path.of(args[0])), System.in, channel);
        Runtime.getRuntime().addShutdownHook(new Thread(proxy::close));
        Thread.currentThread().join();
    }
}
