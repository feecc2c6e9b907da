package io.keelson.schedcp.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * schedcp's PostgreSQL database in cluster mode: the schema migrated by Flyway ({@code db/schedcp}) into the data
 * source's schema, and transactions for the stores on it. Every node's schedcp may share it: each change is one
 * transaction of inserts and row-locked updates, never a rewrite of what another node wrote.
 */
public final class SchedCpDatabase {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    private SchedCpDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Migrates {@code schema} (created if needed; the data source's connections must use it as their search path) and opens it. */
    public static SchedCpDatabase open(DataSource dataSource, String schema) {
        try {
            Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).locations("classpath:db/schedcp")
                    .table("schedcp_schema_history").load().migrate();
        } catch (RuntimeException e) {
            throw new StoreUnavailable("schedcp database: cannot migrate schema " + schema + ": " + e.getMessage(), e);
        }
        return new SchedCpDatabase(dataSource);
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T transaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailable("schedcp database: " + e.getMessage(), e);
        }
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not writable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T json(String text, TypeReference<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("schedcp database: a stored JSON value is damaged: " + e.getOriginalMessage(), e);
        }
    }

    public static OffsetDateTime timestamp(String iso) {
        return OffsetDateTime.ofInstant(Instant.parse(iso), ZoneOffset.UTC);
    }

    public static String timestamp(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant().toString();
    }
}
