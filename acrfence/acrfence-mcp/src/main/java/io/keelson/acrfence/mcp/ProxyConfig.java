package io.keelson.acrfence.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.keelson.acrfence.core.tool.EffectClass;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the operator says about the proxied MCP server (the MCP client never does): how to start it, which run the
 * proxy fences, where its journal lives, and per tool its effect class (irreversible unless said otherwise), its
 * volatile arguments and an optional lookup tool. YAML:
 * <pre>
 * upstream: [java, -jar, bank-mcp.jar]
 * run: agent-42
 * journal: /var/lib/keelson/acrfence-proxy
 * tools:
 *   transfer: {effect: irreversible, volatile: [reference], lookup: transfer_lookup}
 *   balance: {effect: read_only}
 * </pre>
 */
public record ProxyConfig(List<String> upstream, String run, Path journal, Map<String, ToolPolicy> tools) {

    /** The operator's word on one upstream tool. */
    public record ToolPolicy(EffectClass effect, Set<String> volatileArguments, Optional<String> lookup) {
        static final ToolPolicy DEFAULT = new ToolPolicy(EffectClass.IRREVERSIBLE, Set.of(), Optional.empty());
    }

    public ToolPolicy policy(String tool) {
        return tools.getOrDefault(tool, ToolPolicy.DEFAULT);
    }

    public static ProxyConfig load(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        List<String> upstream = new ArrayList<>();
        root.path("upstream").forEach(a -> upstream.add(a.asText()));
        if (upstream.isEmpty()) {
            throw new IllegalArgumentException(file + ": upstream: the command that starts the MCP server is required");
        }
        if (!root.hasNonNull("run") || !root.hasNonNull("journal")) {
            throw new IllegalArgumentException(file + ": run and journal are required");
        }
        Map<String, ToolPolicy> tools = new HashMap<>();
        root.path("tools").fields().forEachRemaining(t -> {
            String effect = t.getValue().path("effect").asText("irreversible").toUpperCase();
            Set<String> volatiles = new java.util.HashSet<>();
            t.getValue().path("volatile").forEach(v -> volatiles.add(v.asText()));
            try {
                tools.put(t.getKey(), new ToolPolicy(EffectClass.valueOf(effect), Set.copyOf(volatiles),
                        Optional.ofNullable(t.getValue().get("lookup")).map(JsonNode::asText)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": tools." + t.getKey() + ".effect must be read_only, idempotent, compensatable or irreversible, was '"
                        + effect.toLowerCase() + "'", e);
            }
        });
        return new ProxyConfig(List.copyOf(upstream), root.get("run").asText(), file.toAbsolutePath().getParent().resolve(root.get("journal").asText()),
                Map.copyOf(tools));
    }
}
