package io.keelson.acrfence.core.downstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.acrfence.core.json.CanonicalJson;
import io.keelson.acrfence.core.tool.ToolEndpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake cloud API: {@code create_server(name, size, client_token)} dedupes on the client token an agent makes up
 * (as EC2's ClientToken) but has no lookup call, so an unknown outcome cannot be reconciled. It counts every server
 * really created.
 */
public final class CloudApi implements ToolEndpoint {

    private final List<String> servers = new ArrayList<>();
    private final Map<String, JsonNode> byToken = new HashMap<>();

    @Override
    public synchronized Outcome invoke(JsonNode args, String idempotencyKey) {
        String token = args.path("client_token").asText("");
        if (!token.isEmpty() && byToken.containsKey(token)) {
            return new Outcome.Succeeded(byToken.get(token));
        }
        String name = args.path("name").asText();
        servers.add(name);
        ObjectNode result = CanonicalJson.mapper().createObjectNode();
        result.put("server", "i-" + servers.size());
        result.put("name", name);
        if (!token.isEmpty()) {
            byToken.put(token, result);
        }
        return new Outcome.Succeeded(result);
    }

    public synchronized List<String> servers() {
        return List.copyOf(servers);
    }
}
