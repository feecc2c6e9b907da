package io.keelson.acrfence.core.fence;

import java.util.Set;

/** The decision names the journal records for calls that did not simply execute as new effects. */
final class Decisions {

    static final String REPLAYED = "REPLAYED";
    /** An earlier attempt of the same intent, unresolved, finished (or was found done) under its own key. */
    static final String RECONCILED = "RECONCILED";
    /** The equivalent earlier effect failed (nothing happened), so this call runs as new. */
    static final String RETRIED = "RETRIED";
    static final String BLOCKED = "BLOCKED";
    static final String REFUSED = "REFUSED";

    /** Decisions that settle a shadow effect for the branch: it is not matched again. */
    static final Set<String> CLAIMING = Set.of(REPLAYED, RECONCILED, RETRIED);

    private Decisions() {
    }
}
