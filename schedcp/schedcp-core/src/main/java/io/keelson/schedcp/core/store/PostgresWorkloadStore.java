package io.keelson.schedcp.core.store;

import com.fasterxml.jackson.core.type.TypeReference;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The cluster mode's {@link WorkloadStore}: a row per profile and per history entry in {@link SchedCpDatabase}. */
public final class PostgresWorkloadStore implements WorkloadStore {

    private static final String PROFILE = "SELECT id, description, created_at, updated_at FROM schedcp_workload";

    private final SchedCpDatabase db;
    private final Clock clock;

    public PostgresWorkloadStore(SchedCpDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Profile create(String description) {
        String now = Timestamps.now(clock);
        Profile p = new Profile("wl-" + UUID.randomUUID(), description, now, now);
        return db.transaction(c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO schedcp_workload (id, description, created_at, updated_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, p.id());
                insert.setString(2, p.description());
                insert.setObject(3, SchedCpDatabase.timestamp(now));
                insert.setObject(4, SchedCpDatabase.timestamp(now));
                insert.executeUpdate();
            }
            return p;
        });
    }

    @Override
    public List<Profile> list() {
        return db.transaction(c -> {
            try (PreparedStatement q = c.prepareStatement(PROFILE + " ORDER BY seq"); ResultSet rows = q.executeQuery()) {
                List<Profile> out = new ArrayList<>();
                while (rows.next()) {
                    out.add(profile(rows));
                }
                return out;
            }
        });
    }

    @Override
    public Optional<Profile> get(String workloadId) {
        return db.transaction(c -> find(c, workloadId));
    }

    @Override
    public History addHistory(String workloadId, String executionId, String schedulerName, List<String> args, String result,
                              Map<String, Double> metrics) {
        WorkloadStore.checkMetrics(metrics);
        String now = Timestamps.now(clock);
        History h = new History("h-" + UUID.randomUUID(), workloadId, executionId, schedulerName, List.copyOf(args), result, now, metrics);
        return db.transaction(c -> {
            try (PreparedStatement touch = c.prepareStatement("UPDATE schedcp_workload SET updated_at = ? WHERE id = ?")) {
                touch.setObject(1, SchedCpDatabase.timestamp(now));
                touch.setString(2, workloadId);
                if (touch.executeUpdate() == 0) {
                    throw WorkloadStore.unknown(workloadId);
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO schedcp_workload_history (id, workload_id, execution_id, scheduler_name, "
                    + "args, result_description, created_at, metrics) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb)")) {
                insert.setString(1, h.id());
                insert.setString(2, workloadId);
                insert.setString(3, executionId);
                insert.setString(4, schedulerName);
                insert.setString(5, SchedCpDatabase.json(h.args()));
                insert.setString(6, result);
                insert.setObject(7, SchedCpDatabase.timestamp(now));
                insert.setString(8, SchedCpDatabase.json(h.metrics()));
                insert.executeUpdate();
            }
            return h;
        });
    }

    @Override
    public List<History> history(String workloadId) {
        return db.transaction(c -> {
            if (find(c, workloadId).isEmpty()) {
                throw WorkloadStore.unknown(workloadId);
            }
            try (PreparedStatement q = c.prepareStatement("SELECT id, workload_id, execution_id, scheduler_name, args, result_description, created_at, "
                    + "metrics FROM schedcp_workload_history WHERE workload_id = ? ORDER BY seq")) {
                q.setString(1, workloadId);
                try (ResultSet rows = q.executeQuery()) {
                    List<History> out = new ArrayList<>();
                    while (rows.next()) {
                        out.add(new History(rows.getString("id"), rows.getString("workload_id"), rows.getString("execution_id"),
                                rows.getString("scheduler_name"), SchedCpDatabase.json(rows.getString("args"), new TypeReference<List<String>>() { }),
                                rows.getString("result_description"), SchedCpDatabase.timestamp(rows, "created_at"),
                                SchedCpDatabase.json(rows.getString("metrics"), new TypeReference<Map<String, Double>>() { })));
                    }
                    return out;
                }
            }
        });
    }

    private static Optional<Profile> find(Connection c, String workloadId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(PROFILE + " WHERE id = ?")) {
            q.setString(1, workloadId);
            try (ResultSet rows = q.executeQuery()) {
                return rows.next() ? Optional.of(profile(rows)) : Optional.empty();
            }
        }
    }

    private static Profile profile(ResultSet row) throws SQLException {
        return new Profile(row.getString("id"), row.getString("description"), SchedCpDatabase.timestamp(row, "created_at"),
                SchedCpDatabase.timestamp(row, "updated_at"));
    }
}
