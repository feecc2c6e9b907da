package io.keelson.schedcp.core.testing;

import io.keelson.common.testing.TestPostgres;
import io.keelson.schedcp.core.SchedCp;
import io.keelson.schedcp.core.store.SchedCpDatabase;

import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

/** The stores every store test runs on: JSON files (embedded) and PostgreSQL (cluster mode; see {@link TestPostgres}). */
public enum StoreKind {
    FILES {
        @Override
        public Supplier<SchedCp.Stores> fresh(Path scratch, Clock clock) {
            return () -> SchedCp.Stores.files(scratch, clock);
        }
    },
    POSTGRES {
        @Override
        public Supplier<SchedCp.Stores> fresh(Path scratch, Clock clock) {
            var ds = TestPostgres.dataSource("schedcp");
            return () -> SchedCp.Stores.postgres(SchedCpDatabase.open(ds, ds.getCurrentSchema()), clock);
        }
    };

    /** New, empty stores; each call of the supplier opens them again, as a restarted service would. */
    public abstract Supplier<SchedCp.Stores> fresh(Path scratch, Clock clock);
}
