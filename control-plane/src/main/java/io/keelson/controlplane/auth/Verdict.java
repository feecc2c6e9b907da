package io.keelson.controlplane.auth;

import io.keelson.common.v1.ErrorReason;

/** The outcome of authenticating and authorising one call. */
public sealed interface Verdict {

    record Allowed(Principal principal) implements Verdict {
    }

    /** Authentication failed: the caller is unknown ({@code UNAUTHENTICATED}). */
    record Unauthenticated(ErrorReason reason, String message) implements Verdict {
    }

    /** The caller is known but may not do this ({@code PERMISSION_DENIED}). */
    record Denied(Principal principal, ErrorReason reason, String message) implements Verdict {
    }
}
