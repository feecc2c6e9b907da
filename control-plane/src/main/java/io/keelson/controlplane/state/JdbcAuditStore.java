package io.keelson.controlplane.state;

import io.keelson.controlplane.audit.AuditQuery;
import io.keelson.controlplane.audit.AuditRecord;
import io.keelson.controlplane.audit.AuditStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link AuditStore} over JDBC, for PostgreSQL in cluster mode (the embedded store is {@link AuditLogFile}). */
public final class JdbcAuditStore implements AuditStore {

    private static final int ROWS_PER_INSERT = 128;
    private static final String INSERT_PREFIX = "INSERT INTO audit_event"
            + " (at_us, principal, system_name, method, allowed, status_code, detail, latency_us, peer) VALUES ";

    private final DataSource dataSource;

    public JdbcAuditStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void appendAll(List<AuditRecord> records) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                for (int from = 0; from < records.size(); from += ROWS_PER_INSERT) {
                    insert(c, records.subList(from, Math.min(records.size(), from + ROWS_PER_INSERT)));
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StateException("could not write " + records.size() + " audit records", e);
        }
    }

    /** One multi-row INSERT: PostgreSQL inserts many rows per statement far faster than a JDBC batch of single rows. */
    private static void insert(Connection c, List<AuditRecord> rows) throws SQLException {
        StringBuilder sql = new StringBuilder(INSERT_PREFIX);
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?,?,?)");
        }
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (AuditRecord a : rows) {
                s.setLong(p++, Micros.of(a.time()));
                s.setString(p++, clip(a.principal(), 128));
                s.setString(p++, clip(a.system(), 64));
                s.setString(p++, clip(a.method(), 256));
                s.setBoolean(p++, a.allowed());
                s.setString(p++, a.statusCode());
                s.setString(p++, clip(a.detail(), 1024));
                s.setLong(p++, a.latencyMicros());
                s.setString(p++, clip(a.peer(), 128));
            }
            s.executeUpdate();
        }
    }

    @Override
    public List<AuditRecord> query(AuditQuery q) {
        StringBuilder sql = new StringBuilder(
                "SELECT seq, at_us, principal, system_name, method, allowed, status_code, detail, latency_us, peer"
                        + " FROM audit_event WHERE seq < ?");
        List<Object> args = new ArrayList<>();
        args.add(q.beforeSequence());
        q.system().ifPresent(v -> { sql.append(" AND system_name = ?"); args.add(v); });
        q.principal().ifPresent(v -> { sql.append(" AND principal = ?"); args.add(v); });
        q.start().ifPresent(v -> { sql.append(" AND at_us >= ?"); args.add(Micros.of(v)); });
        q.end().ifPresent(v -> { sql.append(" AND at_us < ?"); args.add(Micros.of(v)); });
        sql.append(" ORDER BY seq DESC");
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            s.setMaxRows(q.limit());
            List<AuditRecord> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new AuditRecord(
                            r.getLong("seq"),
                            Micros.toInstant(r.getLong("at_us")),
                            r.getString("principal"),
                            r.getString("system_name"),
                            r.getString("method"),
                            r.getBoolean("allowed"),
                            r.getString("status_code"),
                            r.getString("detail"),
                            r.getLong("latency_us"),
                            r.getString("peer")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StateException("could not query the audit log", e);
        }
    }

    private static String clip(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
