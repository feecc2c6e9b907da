package io.keelson.acrfence.core.fence;

import java.util.List;

/**
 * What the fence did with a call, and the id of the decision ({@code GetDecision} explains it later). Only
 * {@link Executed} (and {@link Failed}/{@link Unknown}, its unhappy endings) reached the service.
 */
public sealed interface Outcome {

    String decisionId();

    /** A read-only or idempotent call, passed straight through (not journaled). */
    record PassedThrough(String decisionId, String result) implements Outcome {
    }

    /** Executed as a new effect (or, after reconciling, an earlier attempt finished under its own key). */
    record Executed(String decisionId, String effectId, String result, boolean reconciled) implements Outcome {
    }

    /** An equivalent call (same intent) already happened: its recorded result, nothing re-executed. */
    record Replayed(String decisionId, String effectId, String result) implements Outcome {
    }

    /** A different call where effects were recorded after the restored checkpoint: needs an explicit fork. */
    record Blocked(String decisionId, List<String> priorEffects, String reason) implements Outcome {
    }

    /** Refused before any dispatch. */
    record Refused(String decisionId, Reason reason, String detail) implements Outcome {
    }

    /** The service refused the effect: nothing happened. */
    record Failed(String decisionId, String effectId, String error) implements Outcome {
    }

    /** No answer from the service: the effect may have happened; the next equivalent call reconciles it first. */
    record Unknown(String decisionId, String effectId, String error) implements Outcome {
    }

    enum Reason {
        CAPABILITY_REQUIRED, CAPABILITY_UNKNOWN, CAPABILITY_REVOKED, CAPABILITY_CONSUMED, CAPABILITY_SCOPE, CAPABILITY_INTENT,
        STALE_BRANCH, IN_FLIGHT, RECONCILE_NEEDED
    }
}
