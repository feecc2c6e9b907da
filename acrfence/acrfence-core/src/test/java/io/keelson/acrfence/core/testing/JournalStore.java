package io.keelson.acrfence.core.testing;

import io.keelson.acrfence.core.journal.EffectJournal;
import io.keelson.acrfence.core.journal.FileJournal;
import io.keelson.acrfence.core.journal.PostgresJournal;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The journal stores every journal test runs on: the embedded file journal and PostgreSQL (the server
 * {@code ./keelson test} starts, reached through {@code KEELSON_TEST_PG_URL}; without it the PostgreSQL runs are
 * skipped with the reason, or fail where {@code KEELSON_REQUIRE_POSTGRES=1}).
 */
public enum JournalStore {
    FILE {
        @Override
        public Supplier<EffectJournal> fresh(Path scratch) {
            try {
                Path dir = Files.createTempDirectory(scratch, "journal");
                return () -> FileJournal.open(dir, Clock.systemUTC());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    },
    POSTGRES {
        @Override
        public Supplier<EffectJournal> fresh(Path scratch) {
            PGSimpleDataSource ds = dataSource();
            String schema = ds.getCurrentSchema();
            return () -> PostgresJournal.open(ds, schema, Clock.systemUTC());
        }
    };

    /** A new, empty journal; each call of the supplier opens it again (a restart of the gateway). */
    public abstract Supplier<EffectJournal> fresh(Path scratch);

    /** A data source on a schema of its own in the test server. */
    public static PGSimpleDataSource dataSource() {
        String url = System.getenv("KEELSON_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            String why = "KEELSON_TEST_PG_URL is not set: no PostgreSQL server for this test (./keelson test starts one)";
            if ("1".equals(System.getenv("KEELSON_REQUIRE_POSTGRES"))) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(System.getenv().getOrDefault("KEELSON_TEST_PG_USER", "keelson"));
        ds.setPassword(System.getenv().getOrDefault("KEELSON_TEST_PG_PASSWORD", ""));
        ds.setCurrentSchema("acrfence_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT));
        return ds;
    }
}
