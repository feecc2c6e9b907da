package io.keelson.agentcgroup.core.sandbox;

import io.keelson.agentcgroup.core.sim.Priority;

import java.time.Instant;
import java.util.List;

/**
 * Where sessions and their finished tool calls are kept beyond the process that ran them ({@link PostgresSessionLedger}
 * in cluster mode; {@link #NONE} keeps nothing beyond the registry's memory). Written as things happen; a closed
 * session's record says when and why.
 */
public interface SessionLedger {

    /** The ledger's store did not answer; nothing was written. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A session that has ended, as the ledger keeps it. */
    record ClosedSession(String id, String node, Priority priority, Instant openedAt, Instant closedAt, String reason,
                         int callsFinished, long oomKills) {
    }

    void opened(String node, String sessionId, Priority priority, Instant at);

    void callFinished(String node, String sessionId, String program, ToolCallResult result, Instant at);

    void closed(String node, String sessionId, String reason, Instant at);

    /** Closes, with {@code reason}, every session {@code node} left open (a crash); returns how many. */
    int closeLeftOpen(String node, String reason, Instant at);

    /** The most recently closed sessions, newest first. */
    List<ClosedSession> closed(int limit);

    /** Nothing kept beyond the registry's memory (embedded mode, and a service without a database). */
    SessionLedger NONE = new SessionLedger() {
        @Override
        public void opened(String node, String sessionId, Priority priority, Instant at) {
        }

        @Override
        public void callFinished(String node, String sessionId, String program, ToolCallResult result, Instant at) {
        }

        @Override
        public void closed(String node, String sessionId, String reason, Instant at) {
        }

        @Override
        public int closeLeftOpen(String node, String reason, Instant at) {
            return 0;
        }

        @Override
        public List<ClosedSession> closed(int limit) {
            return List.of();
        }
    };
}
