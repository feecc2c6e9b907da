package io.keelson.acrfence.core.tool;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * The downstream service behind a tool. The fence sends each fenced call with an idempotency key of its own
 * minting (stable across the agent's re-syntheses), and asks the service by that key when it cannot tell whether
 * an earlier attempt happened.
 */
public interface ToolEndpoint {

    /** How a call went. */
    sealed interface Outcome {
        /** It happened; the service's answer. */
        record Succeeded(JsonNode result) implements Outcome {
        }

        /** The service refused it: nothing happened. */
        record Rejected(String error) implements Outcome {
        }

        /** No answer (a timeout, a dropped connection): it may or may not have happened. */
        record Unknown(String error) implements Outcome {
        }
    }

    /** What the service knows of an idempotency key. */
    sealed interface Lookup {
        record Found(JsonNode result) implements Lookup {
        }

        record NotFound() implements Lookup {
        }
    }

    Outcome invoke(JsonNode args, String idempotencyKey);

    /** Whether {@link #lookup} can answer (the service has a reconcile call). */
    default boolean reconcilable() {
        return false;
    }

    /** Asks the service what it did under {@code idempotencyKey}; empty when it cannot say (no reconcile call). */
    default Optional<Lookup> lookup(String idempotencyKey) {
        return Optional.empty();
    }
}
