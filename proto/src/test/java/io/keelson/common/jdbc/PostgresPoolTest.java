package io.keelson.common.jdbc;

import io.agroal.api.AgroalDataSource;
import io.keelson.common.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The standalone services' pool against the test PostgreSQL: the service's schema on every connection, a bounded pool. */
class PostgresPoolTest {

    @Test
    void everyConnectionUsesTheServicesSchemaAndThePoolIsBounded() throws Exception {
        TestPostgres.Server pg = TestPostgres.server();
        String schema = "pool_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        var pooled = PostgresPool.fromEnv(Map.of("KEELSON_DEMO_JDBC_URL", pg.url(), "KEELSON_DEMO_JDBC_USER", pg.user(),
                "KEELSON_DEMO_JDBC_PASSWORD", pg.password(), "KEELSON_DEMO_JDBC_SCHEMA", schema, "KEELSON_DEMO_JDBC_POOL_SIZE", "2"),
                "DEMO", "demo").orElseThrow();
        try (AgroalDataSource ds = pooled.dataSource()) {
            assertThat(pooled.schema()).isEqualTo(schema);
            try (Connection c = ds.getConnection()) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
                c.createStatement().execute("CREATE TABLE " + schema + ".t (x int)");
            }
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Connection c = ds.getConnection();
                held.add(c);
                try (ResultSet r = c.createStatement().executeQuery("SELECT current_schema()")) {
                    r.next();
                    assertThat(r.getString(1)).isEqualTo(schema);
                }
                c.createStatement().execute("INSERT INTO t VALUES (" + i + ")"); // unqualified: the pool's schema
            }
            assertThat(ds.getMetrics().activeCount()).isEqualTo(2);
            for (Connection c : held) {
                c.close();
            }
            try (Connection c = ds.getConnection(); ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                r.next();
                assertThat(r.getInt(1)).isEqualTo(2);
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
            assertThat(ds.getMetrics().creationCount()).as("connections are reused, not opened per use").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void noUrlMeansNoDatabaseAndABadSizeIsRefused() throws SQLException {
        assertThat(PostgresPool.fromEnv(Map.of(), "DEMO", "demo")).isEmpty();
        assertThatThrownBy(() -> PostgresPool.open("jdbc:postgresql://localhost/x", "u", "", "s", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pool size");
    }
}
