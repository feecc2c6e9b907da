package io.keelson.controlplane.testing;

import io.keelson.common.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Databases for store tests: an H2 file (the embedded store) and the PostgreSQL server that
 * {@code ./keelson test} starts ({@link TestPostgres}: skipped with the reason without it, failed where it is required).
 */
public final class TestDatabases {

    private TestDatabases() {
    }

    /** The H2 URL the platform uses, for a store file under {@code dir}. */
    public static String h2Url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("keelson") + ";WRITE_DELAY=0";
    }

    public static DataSource h2(Path dir) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(h2Url(dir));
        ds.setUser("keelson");
        ds.setPassword("");
        migrate(ds, Optional.empty());
        return ds;
    }

    /** Connection settings of the test PostgreSQL server, or a skip (or failure, when required): see {@link TestPostgres}. */
    public static PostgresServer postgres() {
        TestPostgres.Server server = TestPostgres.server();
        return new PostgresServer(server.url(), server.user(), server.password());
    }

    public record PostgresServer(String url, String user, String password) {

        public DataSource freshSchema() {
            String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(url);
            ds.setUser(user);
            ds.setPassword(password);
            ds.setCurrentSchema(schema);
            migrate(ds, Optional.of(schema));
            return ds;
        }

        /** The JDBC URL of a fresh migrated schema, for a platform started against it. */
        public String freshSchemaUrl() {
            PGSimpleDataSource ds = (PGSimpleDataSource) freshSchema();
            return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + ds.getCurrentSchema();
        }
    }

    private static void migrate(DataSource ds, Optional<String> schema) {
        var config = Flyway.configure().dataSource(ds).locations("classpath:db/migration");
        // the same locations as quarkus.flyway.<datasource>.locations
        schema.ifPresent(s -> config.schemas(s).createSchemas(true).locations("classpath:db/migration", "classpath:db/postgresql"));
        config.load().migrate();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
