package io.keelson.acrfence.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.acrfence.core.json.CanonicalJson;
import io.keelson.acrfence.core.tool.ToolEndpoint;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.Map;
import java.util.Optional;

/**
 * One tool of the upstream MCP server as the fence's endpoint. The fence's idempotency key travels in the call's
 * {@code _meta} ({@code idempotency_key}); where the operator names a lookup tool (taking {@code idempotency_key}),
 * an unresolved earlier attempt can be reconciled through it. The upstream's answer is kept as
 * {@code {"text": [...], "structured": ...}}.
 */
final class McpToolEndpoint implements ToolEndpoint {

    private final McpSyncClient upstream;
    private final String tool;
    private final Optional<String> lookupTool;

    McpToolEndpoint(McpSyncClient upstream, String tool, Optional<String> lookupTool) {
        this.upstream = upstream;
        this.tool = tool;
        this.lookupTool = lookupTool;
    }

    @Override
    public Outcome invoke(JsonNode args, String idempotencyKey) {
        McpSchema.CallToolResult result;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> arguments = CanonicalJson.mapper().convertValue(args, Map.class);
            result = upstream.callTool(new McpSchema.CallToolRequest(tool, arguments, Map.of("idempotency_key", idempotencyKey)));
        } catch (RuntimeException e) {
            return new Outcome.Unknown("no answer from the upstream MCP server: " + e.getMessage()); // a timeout or a broken pipe: it may have happened
        }
        JsonNode answer = answer(result);
        if (Boolean.TRUE.equals(result.isError())) {
            return new Outcome.Rejected(String.join("\n", CanonicalJson.mapper().convertValue(answer.get("text"), String[].class)));
        }
        return new Outcome.Succeeded(answer);
    }

    @Override
    public boolean reconcilable() {
        return lookupTool.isPresent();
    }

    @Override
    public Optional<Lookup> lookup(String idempotencyKey) {
        return lookupTool.map(name -> {
            McpSchema.CallToolResult result = upstream.callTool(new McpSchema.CallToolRequest(name, Map.of("idempotency_key", idempotencyKey)));
            return Boolean.TRUE.equals(result.isError()) ? new Lookup.NotFound() : new Lookup.Found(answer(result));
        });
    }

    static JsonNode answer(McpSchema.CallToolResult result) {
        ObjectNode answer = CanonicalJson.mapper().createObjectNode();
        ArrayNode text = answer.putArray("text");
        if (result.content() != null) {
            for (McpSchema.Content c : result.content()) {
                if (c instanceof McpSchema.TextContent t) {
                    text.add(t.text());
                }
            }
        }
        if (result.structuredContent() != null) {
            answer.set("structured", CanonicalJson.mapper().valueToTree(result.structuredContent()));
        }
        return answer;
    }
}
