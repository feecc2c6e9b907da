package io.keelson.acrfence.core.downstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.acrfence.core.json.CanonicalJson;
import io.keelson.acrfence.core.tool.ToolEndpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fake bank as agents meet it: {@code transfer(to, amount, reference)} dedupes on the caller's reference id (the
 * UUID an agent generates, which a re-synthesised call changes) and on the Idempotency-Key header (which the fence
 * keeps stable), and can be asked what it did under a key. It counts every real transfer.
 */
public final class Bank implements ToolEndpoint {

    /** A transfer that happened. */
    public record Transfer(String to, long amountCents, String reference, String idempotencyKey) {
    }

    private final List<Transfer> transfers = new ArrayList<>();
    private final Map<String, JsonNode> byReference = new HashMap<>();
    private final Map<String, JsonNode> byKey = new HashMap<>();

    @Override
    public synchronized Outcome invoke(JsonNode args, String idempotencyKey) {
        String reference = args.path("reference").asText("");
        if (byKey.containsKey(idempotencyKey)) {
            return new Outcome.Succeeded(byKey.get(idempotencyKey));
        }
        if (!reference.isEmpty() && byReference.containsKey(reference)) {
            return new Outcome.Succeeded(byReference.get(reference));
        }
        long amount = Math.round(args.path("amount").asDouble() * 100);
        if (amount <= 0) {
            return new Outcome.Rejected("amount must be positive");
        }
        Transfer t = new Transfer(args.path("to").asText(), amount, reference, idempotencyKey);
        transfers.add(t);
        ObjectNode receipt = CanonicalJson.mapper().createObjectNode();
        receipt.put("transfer", "t" + transfers.size());
        receipt.put("to", t.to());
        receipt.put("amount_cents", amount);
        byKey.put(idempotencyKey, receipt);
        if (!reference.isEmpty()) {
            byReference.put(reference, receipt);
        }
        return new Outcome.Succeeded(receipt);
    }

    @Override
    public boolean reconcilable() {
        return true;
    }

    @Override
    public synchronized Optional<Lookup> lookup(String idempotencyKey) {
        JsonNode receipt = byKey.get(idempotencyKey);
        return Optional.of(receipt == null ? new Lookup.NotFound() : new Lookup.Found(receipt));
    }

    public synchronized List<Transfer> transfers() {
        return List.copyOf(transfers);
    }
}
