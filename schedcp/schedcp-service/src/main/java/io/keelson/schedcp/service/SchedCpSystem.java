package io.keelson.schedcp.service;

import io.keelson.schedcp.core.SchedCp;
import io.keelson.schedcp.core.store.SchedCpDatabase;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;

/**
 * schedcp as a deployable unit: its state directory (workload history, created schedulers), the directory its
 * scheduler binaries come from, and its gRPC service. Closing stops a scheduler it still runs.
 */
public final class SchedCpSystem implements AutoCloseable {

    private final SchedCp schedcp;
    private final SchedCpGrpcService service;

    private SchedCpSystem(SchedCp schedcp) {
        this.schedcp = schedcp;
        this.service = new SchedCpGrpcService(schedcp);
    }

    /** Embedded: workload history and created schedulers in files under {@code state}. */
    public static SchedCpSystem start(Path state, Path schedulersDir) {
        return new SchedCpSystem(SchedCp.open(state, schedulersDir));
    }

    /**
     * Cluster mode: workload history and created schedulers in PostgreSQL, in {@code schema} (migrated on start; the
     * data source's connections must use it), shared by every node's schedcp; {@code state} keeps only scratch files.
     */
    public static SchedCpSystem startOnPostgres(Path state, Path schedulersDir, DataSource dataSource, String schema) {
        return new SchedCpSystem(SchedCp.open(state, schedulersDir, SchedCp.Stores.postgres(SchedCpDatabase.open(dataSource, schema), Clock.systemUTC())));
    }

    public SchedCpGrpcService service() {
        return service;
    }

    @Override
    public void close() {
        schedcp.close();
    }
}
