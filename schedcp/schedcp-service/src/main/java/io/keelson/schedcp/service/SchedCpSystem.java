package io.keelson.schedcp.service;

import io.keelson.schedcp.core.SchedCp;

import java.nio.file.Path;

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

    public static SchedCpSystem start(Path state, Path schedulersDir) {
        return new SchedCpSystem(SchedCp.open(state, schedulersDir));
    }

    public SchedCpGrpcService service() {
        return service;
    }

    @Override
    public void close() {
        schedcp.close();
    }
}
