package io.keelson.common.jdbc;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The PostgreSQL connection pool of a standalone service (the control plane has Quarkus' own): Agroal, the pool
 * Quarkus uses, with each connection's {@code currentSchema} set to the service's schema. Configured from
 * {@code KEELSON_<SYSTEM>_JDBC_URL} (and {@code _USER}, default keelson; {@code _PASSWORD}; {@code _SCHEMA}, default
 * the system's name; {@code _POOL_SIZE}, default 8).
 */
public final class PostgresPool {

    /** A pool and the schema its connections use. */
    public record Pooled(AgroalDataSource dataSource, String schema) {
    }

    private PostgresPool() {
    }

    /** The pool {@code env} configures for {@code system} (e.g. "ACRFENCE"), or empty when it names no JDBC URL. */
    public static Optional<Pooled> fromEnv(Map<String, String> env, String system, String defaultSchema) throws SQLException {
        String prefix = "KEELSON_" + system + "_JDBC_";
        String url = env.get(prefix + "URL");
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String schema = env.getOrDefault(prefix + "SCHEMA", defaultSchema);
        int size = Integer.parseInt(env.getOrDefault(prefix + "POOL_SIZE", "8"));
        return Optional.of(new Pooled(open(url, env.getOrDefault(prefix + "USER", "keelson"), env.getOrDefault(prefix + "PASSWORD", ""),
                schema, size), schema));
    }

    public static AgroalDataSource open(String url, String user, String password, String schema, int maxSize) throws SQLException {
        if (maxSize < 1) {
            throw new IllegalArgumentException("pool size: at least 1, was " + maxSize);
        }
        AgroalDataSourceConfigurationSupplier configuration = new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(true) // active, available and created connections, for operators and tests
                .connectionPoolConfiguration(pool -> pool
                        .minSize(1)
                        .maxSize(maxSize)
                        .acquisitionTimeout(Duration.ofSeconds(10))
                        .validationTimeout(Duration.ofSeconds(30))
                        .connectionFactoryConfiguration(factory -> factory
                                .jdbcUrl(url)
                                .principal(new NamePrincipal(user))
                                .credential(new SimplePassword(password))
                                .jdbcProperty("currentSchema", schema)));
        return AgroalDataSource.from(configuration);
    }
}
