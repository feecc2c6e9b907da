package io.keelson.acrfence.core.attack;

import io.keelson.acrfence.core.fence.Boundary;

import java.util.Optional;

/**
 * Where the gateway (or, without the fence, the agent) dies during a scenario's crash-point call: not at all,
 * before the service saw the call, after the service acted but before anyone recorded it, or after the gateway
 * committed it but before the agent heard.
 */
public enum CrashMode {
    NONE(Optional.empty(), false),
    BEFORE_DISPATCH(Optional.of(Boundary.AFTER_PENDING), false),
    AFTER_REMOTE_SUCCESS(Optional.of(Boundary.AFTER_REMOTE_SUCCESS), true),
    AFTER_LOCAL_COMMIT(Optional.of(Boundary.AFTER_LOCAL_COMMIT), true);

    private final Optional<Boundary> boundary;
    private final boolean serviceActed;

    CrashMode(Optional<Boundary> boundary, boolean serviceActed) {
        this.boundary = boundary;
        this.serviceActed = serviceActed;
    }

    /** Where the fenced gateway is stopped. */
    public Optional<Boundary> boundary() {
        return boundary;
    }

    /** Whether the service carried the call out before the crash (what happens to an unfenced agent). */
    public boolean serviceActed() {
        return serviceActed;
    }
}
