package io.keelson.acrfence.service;

import io.keelson.acrfence.core.downstream.ApprovalService;
import io.keelson.acrfence.core.downstream.DemoTools;
import io.keelson.acrfence.core.fence.Boundary;
import io.keelson.acrfence.core.fence.Fence;
import io.keelson.acrfence.core.fence.FenceKey;
import io.keelson.acrfence.core.journal.FileJournal;
import io.keelson.acrfence.core.tool.ToolRegistry;
import io.keelson.common.v1.Backend;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The acrfence system as a deployable unit: the journal in its state directory (embedded store), the key its
 * idempotency keys are made with, the tools, and the gRPC service. The tools are, for now, the demo services of
 * the attack suite (fakes that count effects) and the HTTP tools an admin registers (kept in the journal).
 */
public final class AcrFenceSystem implements AutoCloseable {

    private final Fence fence;
    private final DemoTools demo;
    private final AcrFenceGrpcService service;

    /** Hosts registered tools may be called on when the operator names none. */
    public static final java.util.Set<String> DEFAULT_TOOL_HOSTS = java.util.Set.of("localhost", "127.0.0.1");

    private AcrFenceSystem(Fence fence, DemoTools demo, ToolRegistry tools, Backend store, java.util.Set<String> toolHosts) {
        this.fence = fence;
        this.demo = demo;
        this.service = new AcrFenceGrpcService(fence, tools, store, toolHosts);
    }

    /** Opens (or recovers) the journal in {@code stateDirectory}; a damaged journal stops the start, naming where. */
    public static AcrFenceSystem start(Path stateDirectory) {
        return start(stateDirectory, DEFAULT_TOOL_HOSTS);
    }

    /** As {@link #start(Path)}, with the hosts registered tools may be called on. */
    public static AcrFenceSystem start(Path stateDirectory, java.util.Set<String> toolHosts) {
        return start(stateDirectory, toolHosts, b -> { });
    }

    /** As {@link #start(Path, java.util.Set)}, calling {@code boundaries} at each persistence boundary of a call (a fault-injection point). */
    public static AcrFenceSystem start(Path stateDirectory, java.util.Set<String> toolHosts, java.util.function.Consumer<Boundary> boundaries) {
        return start(stateDirectory, FileJournal.open(stateDirectory.resolve("journal"), Clock.systemUTC()), Backend.BACKEND_EMBEDDED_STORE, toolHosts,
                boundaries);
    }

    /**
     * Journals to PostgreSQL (cluster mode) in {@code schema}. One gateway per journal: the fence decides from the
     * state it folded at start, so two gateways on one journal would not see each other's effects.
     */
    public static AcrFenceSystem startOnPostgres(Path stateDirectory, javax.sql.DataSource dataSource, String schema, java.util.Set<String> toolHosts) {
        return start(stateDirectory, io.keelson.acrfence.core.journal.PostgresJournal.open(dataSource, schema, Clock.systemUTC()),
                Backend.BACKEND_POSTGRESQL, toolHosts, b -> { });
    }

    private static AcrFenceSystem start(Path stateDirectory, io.keelson.acrfence.core.journal.EffectJournal journal, Backend store,
                                        java.util.Set<String> toolHosts, java.util.function.Consumer<Boundary> boundaries) {
        DemoTools demo = new DemoTools(ApprovalService.Validation.STATEFUL);
        ToolRegistry tools = demo.registerIn(new ToolRegistry());
        Fence fence = new Fence(journal, tools, FenceKey.loadOrCreate(stateDirectory), boundaries);
        return new AcrFenceSystem(fence, demo, tools, store, toolHosts);
    }

    public io.grpc.BindableService service() {
        return service;
    }

    /** The demo services behind the tools (tests read their effect counts). */
    public DemoTools demo() {
        return demo;
    }

    @Override
    public void close() {
        fence.close();
    }
}
