package io.keelson.acrfence.core.fence;

/**
 * The persistence boundaries of one fenced call, where a crash leaves a different state behind: the crash harness
 * stops the gateway at each of them.
 */
public enum Boundary {
    /** Decided, nothing written. */
    BEFORE_PENDING,
    /** PENDING (and the capability use) durable, nothing sent. */
    AFTER_PENDING,
    /** DISPATCHED durable, the service not yet called. */
    AFTER_DISPATCH_MARK,
    /** The service did it; the journal does not know yet. */
    AFTER_REMOTE_SUCCESS,
    /** COMMITTED durable; the agent has not heard. */
    AFTER_LOCAL_COMMIT
}
