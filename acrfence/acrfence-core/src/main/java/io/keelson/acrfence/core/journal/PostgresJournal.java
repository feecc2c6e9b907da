package io.keelson.acrfence.core.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.acrfence.core.json.CanonicalJson;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The cluster mode's journal in PostgreSQL: a row per record in chain order. An append is one transaction that
 * locks the head row (appenders queue there, so the chain stays linear), inserts the batch and moves the head; its
 * commit is the durability point (PostgreSQL flushes concurrent commits together). A deferred append commits with
 * {@code synchronous_commit = off}: it may be lost in a crash, never half written. The schema is migrated by Flyway
 * ({@code db/acrfence}) into the data source's schema.
 */
public final class PostgresJournal implements EffectJournal {

    private static final ObjectMapper MAPPER = CanonicalJson.mapper();

    private final DataSource dataSource;
    private final Clock clock;

    private PostgresJournal(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Migrates the schema (in {@code schema}, created if needed) and opens the journal there. */
    public static PostgresJournal open(DataSource dataSource, String schema, Clock clock) {
        Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).locations("classpath:db/acrfence")
                .table("acrfence_schema_history").load().migrate();
        return new PostgresJournal(dataSource, clock);
    }

    @Override
    public List<JournalRecord> append(List<Entry> entries) {
        return write(entries, true);
    }

    @Override
    public List<JournalRecord> appendDeferred(List<Entry> entries) {
        return write(entries, false);
    }

    private List<JournalRecord> write(List<Entry> entries, boolean durable) {
        List<JournalRecord> records = new ArrayList<>(entries.size());
        if (entries.isEmpty()) {
            return records;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!durable) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET LOCAL synchronous_commit = off");
                    }
                }
                long seq;
                String prev;
                try (Statement s = c.createStatement(); ResultSet head = s.executeQuery("SELECT seq, hash FROM acrfence_head WHERE id = 1 FOR UPDATE")) {
                    head.next();
                    seq = head.getLong(1);
                    prev = head.getString(2);
                }
                long at = clock.millis();
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO acrfence_journal (seq, at_millis, prev_hash, hash, entry) VALUES (?, ?, ?, ?, ?)")) {
                    for (Entry e : entries) {
                        JournalRecord r = JournalRecord.next(++seq, at, prev, e);
                        records.add(r);
                        prev = r.hash();
                        insert.setLong(1, r.seq());
                        insert.setLong(2, r.atMillis());
                        insert.setString(3, r.prevHash());
                        insert.setString(4, r.hash());
                        insert.setString(5, MAPPER.writeValueAsString(e));
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                try (PreparedStatement move = c.prepareStatement("UPDATE acrfence_head SET seq = ?, hash = ? WHERE id = 1")) {
                    move.setLong(1, seq);
                    move.setString(2, prev);
                    move.executeUpdate();
                }
                c.commit();
                return records;
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot append to the PostgreSQL journal: " + e.getMessage(), e);
        }
    }

    @Override
    public void replay(Consumer<JournalRecord> sink) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // lets the driver stream rows in chunks instead of loading them all
            try (Statement s = c.createStatement()) {
                s.setFetchSize(10_000);
                try (ResultSet rows = s.executeQuery("SELECT seq, at_millis, prev_hash, hash, entry FROM acrfence_journal ORDER BY seq")) {
                    while (rows.next()) {
                        sink.accept(new JournalRecord(rows.getLong(1), rows.getLong(2), rows.getString(3),
                                MAPPER.readValue(rows.getString(5), Entry.class), rows.getString(4)));
                    }
                }
            }
            c.commit();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read the PostgreSQL journal: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // connections are the data source's; nothing is held between calls
    }
}
