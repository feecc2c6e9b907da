package io.keelson.sysom.service;

import io.keelson.common.events.EventBus;
import io.keelson.sysom.core.timeline.JobStore;

/**
 * The sysom system as a deployable unit: the job store (in memory: diagnosis reads recent windows), its gRPC
 * service, and the event bus its step reports and diagnoses are published on.
 */
public final class SysomSystem implements AutoCloseable {

    private final JobStore store = new JobStore();
    private final SysomGrpcService service;

    private SysomSystem(EventBus bus) {
        this.service = new SysomGrpcService(store, bus);
    }

    public static SysomSystem start(EventBus bus) {
        return new SysomSystem(bus);
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
