package io.keelson.controlplane.gateway;

import io.grpc.Status;

import java.time.Instant;

/**
 * A finished gateway call, as the observers (audit log, metrics) see it.
 *
 * @param denial why the gateway refused the call; empty when it let it through
 */
public record CompletedCall(
        Instant startedAt,
        String principal,
        String system,
        String method,
        Status.Code code,
        String description,
        String denial,
        long latencyNanos,
        String peer) {

    public boolean allowed() {
        return denial.isEmpty();
    }

    /** Something that wants to know about every finished call. Must not block for long. */
    @FunctionalInterface
    public interface Observer {
        void completed(CompletedCall call);
    }
}
