package io.keelson.common.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

import java.util.Locale;
import java.util.UUID;

/**
 * The PostgreSQL server {@code ./keelson test} starts, reached through {@code KEELSON_TEST_PG_URL} (user
 * {@code KEELSON_TEST_PG_USER}, password {@code KEELSON_TEST_PG_PASSWORD}). Without it a test is skipped with the
 * reason, or fails where {@code KEELSON_REQUIRE_POSTGRES=1} (CI), so a missing server cannot pass as a green run.
 */
public final class TestPostgres {

    private TestPostgres() {
    }

    /** Where the test server is. */
    public record Server(String url, String user, String password) {
    }

    /** The test server's connection settings, or a skip (a failure where PostgreSQL is required). */
    public static Server server() {
        String url = System.getenv("KEELSON_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            String why = "KEELSON_TEST_PG_URL is not set: no PostgreSQL server for this test (./keelson test starts one)";
            if ("1".equals(System.getenv("KEELSON_REQUIRE_POSTGRES"))) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        return new Server(url, System.getenv().getOrDefault("KEELSON_TEST_PG_USER", "keelson"),
                System.getenv().getOrDefault("KEELSON_TEST_PG_PASSWORD", ""));
    }

    /** A data source on a fresh schema of its own, {@code prefix_<random>}, as its current schema (not created yet). */
    public static PGSimpleDataSource dataSource(String prefix) {
        Server server = server();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(server.url());
        ds.setUser(server.user());
        ds.setPassword(server.password());
        ds.setCurrentSchema(prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT));
        return ds;
    }
}
