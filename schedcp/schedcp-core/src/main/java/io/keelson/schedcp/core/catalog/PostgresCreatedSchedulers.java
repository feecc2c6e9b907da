package io.keelson.schedcp.core.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import io.keelson.schedcp.core.store.SchedCpDatabase;
import io.keelson.schedcp.core.verify.VerificationReport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster mode's {@link CreatedSchedulers}: a row per scheduler and per version (with its source) in
 * {@link SchedCpDatabase}. Adding a version locks its scheduler's row, so two nodes adding versions of one scheduler
 * at once get consecutive numbers.
 */
public final class PostgresCreatedSchedulers implements CreatedSchedulers {

    private static final String SCHEDULER = "SELECT name, description, algorithm, use_cases, characteristics, limitations, performance_profile "
            + "FROM schedcp_scheduler";
    private static final String VERSION = "SELECT name, version, sha256, created_at, accepted, stages FROM schedcp_scheduler_version";

    private final SchedCpDatabase db;

    public PostgresCreatedSchedulers(SchedCpDatabase db) {
        this.db = db;
    }

    @Override
    public List<SchedulerRepository.Created> list() {
        return db.transaction(c -> read(c, "", ""));
    }

    @Override
    public Optional<SchedulerRepository.Created> find(String name) {
        return db.transaction(c -> read(c, " WHERE name = ?", name).stream().findFirst());
    }

    @Override
    public SchedulerRepository.Version addVersion(SchedulerRepository.Created d, String source, String sha256, String createdAt,
                                                  VerificationReport report) {
        return db.transaction(c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO schedcp_scheduler (name, description, algorithm, use_cases, characteristics, "
                    + "limitations, performance_profile) VALUES (?, ?, ?, ?::jsonb, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, "
                    + "algorithm = EXCLUDED.algorithm, use_cases = EXCLUDED.use_cases, characteristics = EXCLUDED.characteristics, "
                    + "limitations = EXCLUDED.limitations, performance_profile = EXCLUDED.performance_profile")) {
                upsert.setString(1, d.name());
                upsert.setString(2, d.description());
                upsert.setString(3, d.algorithm());
                upsert.setString(4, SchedCpDatabase.json(d.useCases()));
                upsert.setString(5, d.characteristics());
                upsert.setString(6, d.limitations());
                upsert.setString(7, d.performanceProfile());
                upsert.executeUpdate(); // holds the scheduler's row lock until commit
            }
            int number;
            try (PreparedStatement last = c.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM schedcp_scheduler_version WHERE name = ?")) {
                last.setString(1, d.name());
                try (ResultSet row = last.executeQuery()) {
                    row.next();
                    number = row.getInt(1) + 1;
                }
            }
            SchedulerRepository.Version v = new SchedulerRepository.Version(number, sha256, createdAt, report.accepted(), report.stages());
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO schedcp_scheduler_version (name, version, sha256, created_at, accepted, stages, "
                    + "source) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)")) {
                insert.setString(1, d.name());
                insert.setInt(2, number);
                insert.setString(3, sha256);
                insert.setObject(4, SchedCpDatabase.timestamp(createdAt));
                insert.setBoolean(5, v.accepted());
                insert.setString(6, SchedCpDatabase.json(v.stages()));
                insert.setString(7, source);
                insert.executeUpdate();
            }
            return v;
        });
    }

    private static List<SchedulerRepository.Created> read(Connection c, String where, String name) throws SQLException {
        Map<String, List<SchedulerRepository.Version>> versions = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement(VERSION + where + " ORDER BY name, version")) {
            if (!where.isEmpty()) {
                q.setString(1, name);
            }
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    versions.computeIfAbsent(rows.getString("name"), k -> new ArrayList<>()).add(new SchedulerRepository.Version(rows.getInt("version"),
                            rows.getString("sha256"), SchedCpDatabase.timestamp(rows, "created_at"), rows.getBoolean("accepted"),
                            SchedCpDatabase.json(rows.getString("stages"), new TypeReference<List<VerificationReport.Stage>>() { })));
                }
            }
        }
        List<SchedulerRepository.Created> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(SCHEDULER + where + " ORDER BY seq")) {
            if (!where.isEmpty()) {
                q.setString(1, name);
            }
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    String n = rows.getString("name");
                    out.add(new SchedulerRepository.Created(n, rows.getString("description"), rows.getString("algorithm"),
                            SchedCpDatabase.json(rows.getString("use_cases"), new TypeReference<List<String>>() { }), rows.getString("characteristics"),
                            rows.getString("limitations"), rows.getString("performance_profile"), List.copyOf(versions.getOrDefault(n, List.of()))));
                }
            }
        }
        return out;
    }
}
