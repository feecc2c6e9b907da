package io.keelson.acrfence.core.testing;

import io.keelson.acrfence.core.journal.EffectJournal;
import io.keelson.acrfence.core.journal.FileJournal;
import io.keelson.acrfence.core.journal.PostgresJournal;
import io.keelson.common.testing.TestPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The journal stores every journal test runs on: the embedded file journal and PostgreSQL (the server
 * {@code ./keelson test} starts: see {@link TestPostgres}).
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
        return TestPostgres.dataSource("acrfence");
    }
}
