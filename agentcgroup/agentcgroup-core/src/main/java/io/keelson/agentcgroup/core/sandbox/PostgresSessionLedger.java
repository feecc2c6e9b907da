package io.keelson.agentcgroup.core.sandbox;

import io.keelson.agentcgroup.core.sim.Priority;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The session ledger in PostgreSQL (schema migrated by Flyway from {@code db/agentcgroup}): one row per session and
 * one per finished call, each written in its own statement as it happens. A database that does not answer fails the
 * write with {@link SessionLedger.Unavailable} saying so.
 */
public final class PostgresSessionLedger implements SessionLedger {

    private final DataSource dataSource;

    private PostgresSessionLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Migrates {@code schema} (created if needed; the data source's connections use it) and opens the ledger there. */
    public static PostgresSessionLedger open(DataSource dataSource, String schema) {
        Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).locations("classpath:db/agentcgroup")
                .table("agentcgroup_schema_history").load().migrate();
        return new PostgresSessionLedger(dataSource);
    }

    @Override
    public void opened(String node, String sessionId, Priority priority, Instant at) {
        update("INSERT INTO agentcgroup_session (id, node, opened_at, priority) VALUES (?, ?, ?, ?)",
                sessionId, node, Timestamp.from(at), priority.name());
    }

    @Override
    public void callFinished(String node, String sessionId, String program, ToolCallResult r, Instant at) {
        update("INSERT INTO agentcgroup_call (node, session_id, call_id, program, verdict, exit_code, peak_bytes, oom_kills, wall_seconds, "
                        + "finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", node, sessionId, r.callId(), program,
                r.verdict().getClass().getSimpleName(), r.exitCode(), r.peakBytes().orElse(0), r.oomKills(), r.wall().toNanos() / 1e9,
                Timestamp.from(at));
    }

    @Override
    public void closed(String node, String sessionId, String reason, Instant at) {
        update("UPDATE agentcgroup_session SET closed_at = ?, close_reason = ? WHERE node = ? AND id = ? AND closed_at IS NULL",
                Timestamp.from(at), reason, node, sessionId);
    }

    @Override
    public int closeLeftOpen(String node, String reason, Instant at) {
        return update("UPDATE agentcgroup_session SET closed_at = ?, close_reason = ? WHERE node = ? AND closed_at IS NULL",
                Timestamp.from(at), reason, node);
    }

    @Override
    public List<ClosedSession> closed(int limit) {
        String sql = "SELECT s.id, s.node, s.priority, s.opened_at, s.closed_at, s.close_reason, "
                + "(SELECT count(*) FROM agentcgroup_call c WHERE c.node = s.node AND c.session_id = s.id AND c.finished_at >= s.opened_at "
                + "AND c.finished_at <= s.closed_at), "
                + "(SELECT coalesce(sum(c.oom_kills), 0) FROM agentcgroup_call c WHERE c.node = s.node AND c.session_id = s.id "
                + "AND c.finished_at >= s.opened_at AND c.finished_at <= s.closed_at) "
                + "FROM agentcgroup_session s WHERE s.closed_at IS NOT NULL ORDER BY s.closed_at DESC LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setInt(1, limit);
            List<ClosedSession> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new ClosedSession(r.getString(1), r.getString(2), Priority.valueOf(r.getString(3)), r.getTimestamp(4).toInstant(),
                            r.getTimestamp(5).toInstant(), r.getString(6), r.getInt(7), r.getLong(8)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private int update(String sql, Object... values) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static Unavailable unavailable(SQLException e) {
        return new Unavailable("agentcgroup's session ledger (PostgreSQL) is unavailable: " + e.getMessage(), e);
    }
}
