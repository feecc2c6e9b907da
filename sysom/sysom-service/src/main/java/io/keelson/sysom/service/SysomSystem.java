package io.keelson.sysom.service;

import io.keelson.sysom.core.timeline.JobStore;

/** The sysom system as a deployable unit: the job store (in memory: diagnosis reads recent windows) and its gRPC service. */
public final class SysomSystem implements AutoCloseable {

    private final JobStore store = new JobStore();
    private final SysomGrpcService service = new SysomGrpcService(store);

    public static SysomSystem start() {
        return new SysomSystem();
    }

    public SysomGrpcService service() {
        return service;
    }

    public JobStore store() {
        return store;
    }

    @Override
    public void close() {
        // nothing durable: reports are a live window, re-sent by agents after a restart
    }
}
