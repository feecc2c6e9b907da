package io.keelson.acrfence.core.journal;

/** Where an effect stands: written ahead (PENDING), sent (DISPATCHED), and how it ended. */
public enum EffectStatus {
    PENDING, DISPATCHED, COMMITTED, FAILED, UNKNOWN;

    /** Whether the effect may have happened without the journal knowing its result (it must be reconciled, never re-sent blindly). */
    public boolean unresolved() {
        return this == PENDING || this == DISPATCHED || this == UNKNOWN;
    }
}
