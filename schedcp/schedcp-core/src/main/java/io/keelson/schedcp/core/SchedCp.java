package io.keelson.schedcp.core;

import io.keelson.schedcp.core.catalog.CreatedSchedulers;
import io.keelson.schedcp.core.catalog.JsonCreatedSchedulers;
import io.keelson.schedcp.core.catalog.PostgresCreatedSchedulers;
import io.keelson.schedcp.core.catalog.SchedulerCatalog;
import io.keelson.schedcp.core.catalog.SchedulerRepository;
import io.keelson.schedcp.core.exec.SchedExt;
import io.keelson.schedcp.core.exec.SchedulerRunner;
import io.keelson.schedcp.core.monitor.SystemMonitor;
import io.keelson.schedcp.core.sim.PolicyDsl;
import io.keelson.schedcp.core.store.JsonWorkloadStore;
import io.keelson.schedcp.core.store.PostgresWorkloadStore;
import io.keelson.schedcp.core.store.SchedCpDatabase;
import io.keelson.schedcp.core.store.WorkloadStore;
import io.keelson.schedcp.core.verify.BpfVerifier;
import io.keelson.schedcp.core.verify.KernelTrial;
import io.keelson.schedcp.core.verify.PolicyVerifier;
import io.keelson.schedcp.core.verify.VerificationReport;
import io.keelson.schedcp.core.workload.CommandProfiler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * SchedCP's capabilities in one place, for the MCP tools and the gRPC service alike: the scheduler repository, the
 * runner (one scheduler at a time), the workload store, the system monitor and the verifier. Workload history and
 * created schedulers are kept in {@link Stores}: JSON files under the state directory ({@code workloads.json},
 * {@code schedulers.json}, the created schedulers' sources), or PostgreSQL in cluster mode.
 */
public final class SchedCp implements AutoCloseable {

    /** A created scheduler's version and what each verifier stage said. */
    public record Verified(SchedulerRepository.Version version, VerificationReport report) {
    }

    /** Where workload history and created schedulers are kept. */
    public record Stores(WorkloadStore workloads, CreatedSchedulers schedulers) {

        /** JSON files under {@code state}: the embedded mode. */
        public static Stores files(Path state, Clock clock) {
            return new Stores(JsonWorkloadStore.open(state.resolve("workloads.json"), clock), JsonCreatedSchedulers.open(state.resolve("schedulers.json")));
        }

        /** PostgreSQL: the cluster mode, where every node's schedcp shares them. */
        public static Stores postgres(SchedCpDatabase db, Clock clock) {
            return new Stores(new PostgresWorkloadStore(db, clock), new PostgresCreatedSchedulers(db));
        }
    }

    /** The directory under the state directory where the operator installs the workload commands clients may profile. */
    public static final String WORKLOAD_COMMANDS = "workload-commands";

    private final SchedulerRepository repository;
    private final SchedulerRunner runner;
    private final WorkloadStore workloads;
    private final SystemMonitor monitor;
    private final BpfVerifier bpf;
    private final CommandProfiler profiler;
    private final Path work;
    private final Path schedExtRoot;
    private final Clock clock;

    private SchedCp(Path state, Path schedulersDir, Stores stores, Path schedExtRoot, Path proc, Clock clock) throws IOException {
        Files.createDirectories(state);
        this.clock = clock;
        this.repository = new SchedulerRepository(SchedulerCatalog.bundled(), stores.schedulers(), clock);
        this.runner = new SchedulerRunner(schedulersDir, repository::knows, schedExtRoot, clock, SchedulerRunner.GRACE);
        this.workloads = stores.workloads();
        this.monitor = new SystemMonitor(proc, clock, Duration.ofSeconds(1));
        this.bpf = new BpfVerifier(BpfVerifier.clangOnPath(), new KernelTrial(KernelTrial.Config.host(schedExtRoot)));
        this.work = Files.createDirectories(state.resolve("work"));
        this.profiler = new CommandProfiler(state.resolve(WORKLOAD_COMMANDS));
        this.schedExtRoot = schedExtRoot;
    }

    /**
     * On this host: scheduler binaries from {@code schedulersDir}, the real {@code /sys/kernel/sched_ext} and {@code /proc};
     * everything durable in files under {@code state}.
     */
    public static SchedCp open(Path state, Path schedulersDir) {
        return open(state, schedulersDir, Stores.files(state, Clock.systemUTC()));
    }

    /** As {@link #open(Path, Path)}, keeping workload history and created schedulers in {@code stores}. */
    public static SchedCp open(Path state, Path schedulersDir, Stores stores) {
        try {
            return new SchedCp(state, schedulersDir, stores, SchedExt.ROOT, Path.of("/proc"), Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException("schedcp state " + state + ": " + e.getMessage(), e);
        }
    }

    public SchedulerRepository repository() {
        return repository;
    }

    public SchedulerRunner runner() {
        return runner;
    }

    public WorkloadStore workloads() {
        return workloads;
    }

    public SystemMonitor monitor() {
        return monitor;
    }

    public Clock clock() {
        return clock;
    }

    /** Profiles an installed workload command ({@link CommandProfiler}) in a scratch directory of its own, removed afterwards. */
    public CommandProfiler.Profile profileCommand(String name, List<String> args, int runs, Duration limit) throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory(work, "profile-");
        try {
            return profiler.profile(name, args, runs, limit, scratch);
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** What this kernel says of sched_ext now. */
    public SchedExt schedExt() {
        return SchedExt.probe(schedExtRoot);
    }

    /**
     * Verifies a scheduler - BPF C, or a policy in the simulator's language ({@link PolicyDsl}) - and registers it as a
     * new version of a created, non-production scheduler, whatever the verdict (the verdict is kept with it).
     */
    public Verified createAndVerify(SchedulerRepository.Created description, String source) {
        if (description.description().length() > 100) {
            throw new IllegalArgumentException("description: at most 100 characters, was " + description.description().length());
        }
        VerificationReport report = PolicyDsl.looksLikePolicy(source) ? PolicyVerifier.verify(source) : bpf.verify(source, work);
        return new Verified(repository.add(description, source, report), report);
    }

    /** Adds what an execution did on a workload to its history; the scheduler and its arguments come from the execution. */
    public WorkloadStore.History addHistory(String workloadId, String executionId, String result, Map<String, Double> metrics) {
        SchedulerRunner.Execution e = runner.status(executionId);
        return workloads.addHistory(workloadId, e.executionId(), e.schedulerName(), e.args(), result, metrics);
    }

    public List<SchedulerCatalog.Scheduler> schedulers(Optional<String> query, Optional<Boolean> productionReady) {
        return repository.search(query, productionReady);
    }

    @Override
    public void close() {
        runner.close();
        monitor.close();
    }
}
