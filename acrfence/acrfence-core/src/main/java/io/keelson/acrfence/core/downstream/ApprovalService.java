package io.keelson.acrfence.core.downstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.acrfence.core.json.CanonicalJson;
import io.keelson.acrfence.core.tool.ToolEndpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A fake records service guarded by a manager's approval token, as in the study's GDPR deletion: {@code delete(subject,
 * token)}. With {@link Validation#STATELESS} it only checks the token's signature (so a token can be reused, as
 * many real services do); with {@link Validation#STATEFUL} it keeps a list of spent tokens. It counts every real
 * deletion.
 */
public final class ApprovalService implements ToolEndpoint {

    public enum Validation { STATELESS, STATEFUL }

    private final Validation validation;
    private final Set<String> issued = new HashSet<>();
    private final Set<String> spent = new HashSet<>();
    private final List<String> deletions = new ArrayList<>();
    private final Map<String, JsonNode> byKey = new HashMap<>();

    public ApprovalService(Validation validation) {
        this.validation = validation;
    }

    /** A manager approves one deletion: the token the agent then holds. */
    public synchronized String approve(String subject) {
        String token = "approval-" + subject + "-" + issued.size();
        issued.add(token);
        return token;
    }

    @Override
    public synchronized Outcome invoke(JsonNode args, String idempotencyKey) {
        if (byKey.containsKey(idempotencyKey)) {
            return new Outcome.Succeeded(byKey.get(idempotencyKey));
        }
        String token = args.path("token").asText("");
        if (!issued.contains(token)) {
            return new Outcome.Rejected("invalid approval token");
        }
        if (validation == Validation.STATEFUL && !spent.add(token)) {
            return new Outcome.Rejected("approval token already used");
        }
        String subject = args.path("subject").asText();
        deletions.add(subject);
        ObjectNode result = CanonicalJson.mapper().createObjectNode();
        result.put("deleted", subject);
        byKey.put(idempotencyKey, result);
        return new Outcome.Succeeded(result);
    }

    @Override
    public boolean reconcilable() {
        return true;
    }

    @Override
    public synchronized Optional<Lookup> lookup(String idempotencyKey) {
        JsonNode result = byKey.get(idempotencyKey);
        return Optional.of(result == null ? new Lookup.NotFound() : new Lookup.Found(result));
    }

    public synchronized List<String> deletions() {
        return List.copyOf(deletions);
    }
}
