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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cluster mode's journal in PostgreSQL: a row per record in chain order. Appends are group-committed by one
 * writer: concurrent callers queue their batches, the writer puts every queued batch into one transaction (locking
 * the head row, so a second process appending to the same schema stays linear too), commits once, and answers them
 * all; the commit is the durability point. A transaction made only of deferred notes commits with
 * {@code synchronous_commit = off}: it may be lost in a crash, never half written. The schema is migrated by Flyway
 * ({@code db/acrfence}) into the data source's schema.
 */
public final class PostgresJournal implements EffectJournal {

    private static final ObjectMapper MAPPER = CanonicalJson.mapper();

    private record Pending(List<Entry> entries, boolean durable, CompletableFuture<List<JournalRecord>> done) {
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    private Connection connection;

    private PostgresJournal(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.writer = new Thread(this::writeLoop, "acrfence-journal-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Migrates the schema (in {@code schema}, created if needed) and opens the journal there. */
    public static PostgresJournal open(DataSource dataSource, String schema, Clock clock) {
        Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).locations("classpath:db/acrfence")
                .table("acrfence_schema_history").load().migrate();
        return new PostgresJournal(dataSource, clock);
    }

    @Override
    public List<JournalRecord> append(List<Entry> entries) {
        return submit(entries, true);
    }

    @Override
    public List<JournalRecord> appendDeferred(List<Entry> entries) {
        return submit(entries, false);
    }

    private List<JournalRecord> submit(List<Entry> entries, boolean durable) {
        if (entries.isEmpty()) {
            return List.of();
        }
        if (closed) {
            throw new IllegalStateException("the PostgreSQL journal is closed");
        }
        Pending p = new Pending(entries, durable, new CompletableFuture<>());
        queue.add(p);
        try {
            return p.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while appending to the PostgreSQL journal", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot append to the PostgreSQL journal: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                batch.forEach(p -> p.done().completeExceptionally(e));
                closeQuietly(); // a fresh connection next time
            } finally {
                batch.clear();
            }
        }
    }

    /** One transaction for every queued batch, in queue order. */
    private void commit(List<Pending> batch) throws SQLException, JsonProcessingException {
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
        }
        Connection c = connection;
        try {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit = " + (batch.stream().anyMatch(Pending::durable) ? "on" : "off"));
            }
            long seq;
            String prev;
            try (Statement s = c.createStatement(); ResultSet head = s.executeQuery("SELECT seq, hash FROM acrfence_head WHERE id = 1 FOR UPDATE")) {
                head.next();
                seq = head.getLong(1);
                prev = head.getString(2);
            }
            long at = clock.millis();
            List<List<JournalRecord>> answers = new ArrayList<>();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO acrfence_journal (seq, at_millis, prev_hash, hash, entry) VALUES (?, ?, ?, ?, ?)")) {
                for (Pending p : batch) {
                    List<JournalRecord> records = new ArrayList<>(p.entries().size());
                    for (Entry e : p.entries()) {
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
                    answers.add(records);
                }
                insert.executeBatch();
            }
            try (PreparedStatement move = c.prepareStatement("UPDATE acrfence_head SET seq = ?, hash = ? WHERE id = 1")) {
                move.setLong(1, seq);
                move.setString(2, prev);
                move.executeUpdate();
            }
            c.commit();
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(answers.get(i));
            }
        } catch (SQLException | JsonProcessingException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is dropped anyway
            }
            throw e;
        }
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being replaced
            }
            connection = null;
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

    /** Writes what is queued, then stops the writer and closes its connection. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
    }
}
