package io.keelson.controlplane.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * A page of the audit log, newest first.
 *
 * @param beforeSequence only events with a smaller sequence (exclusive); {@code Long.MAX_VALUE} for the first page
 * @param start          inclusive lower bound on time
 * @param end            exclusive upper bound on time
 */
public record AuditQuery(
        long beforeSequence,
        int limit,
        Optional<String> system,
        Optional<String> principal,
        Optional<Instant> start,
        Optional<Instant> end) {
}
