package io.keelson.acrfence.core.tool;

/**
 * What calling a tool does to the world. Anything not declared otherwise is {@link #IRREVERSIBLE}: the safe
 * assumption for a call to an external service.
 */
public enum EffectClass {
    /** No effect: passed through, not journaled. */
    READ_ONLY,
    /** Repeating it changes nothing (the service dedupes): passed through, not journaled. */
    IDEMPOTENT,
    /** An effect that can be undone by another call: journaled and fenced like an irreversible one. */
    COMPENSATABLE,
    /** An effect that cannot be undone (a payment, a deletion, using up a token): journaled and fenced. */
    IRREVERSIBLE;

    public boolean fenced() {
        return this == COMPENSATABLE || this == IRREVERSIBLE;
    }
}
