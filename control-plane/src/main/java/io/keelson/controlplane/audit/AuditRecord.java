package io.keelson.controlplane.audit;

import java.time.Instant;

/**
 * One gateway call, allowed or denied.
 *
 * @param sequence assigned by the store when written (0 before)
 * @param detail   why a call was denied or failed; empty when it succeeded
 */
public record AuditRecord(
        long sequence,
        Instant time,
        String principal,
        String system,
        String method,
        boolean allowed,
        String statusCode,
        String detail,
        long latencyMicros,
        String peer) {

    public AuditRecord withSequence(long assigned) {
        return new AuditRecord(assigned, time, principal, system, method, allowed, statusCode, detail, latencyMicros, peer);
    }
}
