package io.keelson.schedcp.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.keelson.common.grpc.GrpcErrors;
import io.keelson.common.grpc.UnaryCall;
import io.keelson.common.grpc.Violations;
import io.keelson.common.v1.Backend;
import io.keelson.common.v1.ErrorReason;
import io.keelson.schedcp.core.SchedCp;
import io.keelson.schedcp.core.catalog.SchedulerCatalog;
import io.keelson.schedcp.core.catalog.SchedulerRepository;
import io.keelson.schedcp.core.exec.CanaryDeployment;
import io.keelson.schedcp.core.exec.SchedExt;
import io.keelson.schedcp.core.exec.SchedulerRunner;
import io.keelson.schedcp.core.monitor.SystemMonitor;
import io.keelson.schedcp.core.sim.CanaryRollout;
import io.keelson.schedcp.core.sim.PolicyDsl;
import io.keelson.schedcp.core.sim.Policies;
import io.keelson.schedcp.core.sim.SchedPolicy;
import io.keelson.schedcp.core.sim.SimResult;
import io.keelson.schedcp.core.sim.Simulator;
import io.keelson.schedcp.core.sim.Task;
import io.keelson.schedcp.core.sim.Workloads;
import io.keelson.schedcp.core.store.StoreUnavailable;
import io.keelson.schedcp.core.store.WorkloadStore;
import io.keelson.schedcp.core.workload.CommandProfiler;
import io.keelson.schedcp.core.workload.ProcessBatch;
import io.keelson.schedcp.core.workload.WakeupLatencyProbe;
import io.keelson.schedcp.v1.AddWorkloadHistoryRequest;
import io.keelson.schedcp.v1.CanaryStep;
import io.keelson.schedcp.v1.CanaryWindow;
import io.keelson.schedcp.v1.CommandRuns;
import io.keelson.schedcp.v1.CreateAndVerifySchedulerRequest;
import io.keelson.schedcp.v1.CreateAndVerifySchedulerResponse;
import io.keelson.schedcp.v1.CreateWorkloadRequest;
import io.keelson.schedcp.v1.DelayedProcess;
import io.keelson.schedcp.v1.DeployCanaryRequest;
import io.keelson.schedcp.v1.DeployCanaryResponse;
import io.keelson.schedcp.v1.Execution;
import io.keelson.schedcp.v1.ExecutionRef;
import io.keelson.schedcp.v1.HistoryEntry;
import io.keelson.schedcp.v1.ListSchedulersRequest;
import io.keelson.schedcp.v1.ListSchedulersResponse;
import io.keelson.schedcp.v1.ListWorkloadsRequest;
import io.keelson.schedcp.v1.ListWorkloadsResponse;
import io.keelson.schedcp.v1.MonitorSystemRequest;
import io.keelson.schedcp.v1.MonitorSystemResponse;
import io.keelson.schedcp.v1.ProfileWorkloadRequest;
import io.keelson.schedcp.v1.ProfileWorkloadResponse;
import io.keelson.schedcp.v1.RunCanaryRequest;
import io.keelson.schedcp.v1.RunCanaryResponse;
import io.keelson.schedcp.v1.RunSchedulerRequest;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.keelson.schedcp.v1.Scheduler;
import io.keelson.schedcp.v1.SimulateRequest;
import io.keelson.schedcp.v1.SimulateResponse;
import io.keelson.schedcp.v1.StageVerdict;
import io.keelson.schedcp.v1.SystemSummary;
import io.keelson.schedcp.v1.TuningParameter;
import io.keelson.schedcp.v1.Workload;
import io.keelson.schedcp.v1.WorkloadHistory;
import io.keelson.schedcp.v1.WorkloadRef;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * {@code keelson.schedcp.v1} over a {@link SchedCp}: the MCP tools' capabilities for integrators, plus the simulator
 * and the simulated canary. Engine errors map to statuses: a bad field (the message starts with its name) is
 * INVALID_ARGUMENT with that field, an unknown id NOT_FOUND, a state that forbids the call (a scheduler already
 * running, a binary not installed) FAILED_PRECONDITION.
 */
public final class SchedCpGrpcService extends SchedCpServiceGrpc.SchedCpServiceImplBase {

    private static final long HORIZON_MICROS = 3_600_000_000L;

    private static final List<String> ADMISSIONS = List.of("all-at-once", "fifo", "longest-first");
    private static final List<String> WORKLOADS = List.of("batch", "latency", "command");

    private final SchedCp schedcp;
    private final Semaphore profiling = new Semaphore(1);

    public SchedCpGrpcService(SchedCp schedcp) {
        this.schedcp = schedcp;
    }

    @Override
    public void listSchedulers(ListSchedulersRequest request, StreamObserver<ListSchedulersResponse> out) {
        unary(out, () -> {
            ListSchedulersResponse.Builder b = ListSchedulersResponse.newBuilder();
            for (SchedulerCatalog.Scheduler s : schedcp.schedulers(Optional.of(request.getQuery()).filter(q -> !q.isEmpty()),
                    request.hasProductionReady() ? Optional.of(request.getProductionReady()) : Optional.empty())) {
                Scheduler.Builder sb = Scheduler.newBuilder().setName(s.name()).setProductionReady(s.productionReady()).setDescription(s.description())
                        .setAlgorithm(s.algorithm()).addAllUseCases(s.useCases()).setCharacteristics(s.characteristics()).setLimitations(s.limitations())
                        .setPerformanceProfile(s.performanceProfile());
                s.tuningParameters().forEach((k, p) -> sb.putTuningParameters(k, TuningParameter.newBuilder().setType(p.type()).setDescription(p.description())
                        .setDefaultValue(p.defaultValue() == null ? "" : String.valueOf(p.defaultValue())).setRange(p.range() == null ? "" : p.range()).build()));
                b.addSchedulers(sb);
            }
            schedcp.runner().running().ifPresent(e -> b.setRunning(execution(e)));
            SchedExt kernel = schedcp.schedExt();
            return b.setSchedExtSupported(kernel.supported()).setSchedExtState(kernel.state())
                    .setBackend(kernel.supported() ? Backend.BACKEND_SCHED_EXT : Backend.BACKEND_KERNEL_UNSUPPORTED).build();
        });
    }

    @Override
    public void runScheduler(RunSchedulerRequest request, StreamObserver<Execution> out) {
        unary(out, () -> execution(schedcp.runner().run(request.getName(), request.getArgsList())));
    }

    @Override
    public void stopScheduler(ExecutionRef request, StreamObserver<Execution> out) {
        unary(out, () -> execution(schedcp.runner().stop(request.getExecutionId())));
    }

    @Override
    public void getExecutionStatus(ExecutionRef request, StreamObserver<Execution> out) {
        unary(out, () -> execution(schedcp.runner().status(request.getExecutionId())));
    }

    @Override
    public void createAndVerifyScheduler(CreateAndVerifySchedulerRequest r, StreamObserver<CreateAndVerifySchedulerResponse> out) {
        unary(out, () -> {
            Violations v = new Violations();
            v.check(!r.getSourceCode().isBlank(), "source_code", "required");
            v.check(!r.getDescription().isBlank(), "description", "required");
            v.throwIfAny();
            SchedCp.Verified verified = schedcp.createAndVerify(new SchedulerRepository.Created(r.getName(), r.getDescription(), r.getAlgorithm(),
                    r.getUseCasesList(), r.getCharacteristics(), r.getLimitations(), r.getPerformanceProfile(), List.of()), r.getSourceCode());
            CreateAndVerifySchedulerResponse.Builder b = CreateAndVerifySchedulerResponse.newBuilder().setName(r.getName())
                    .setVersion(verified.version().version()).setAccepted(verified.version().accepted());
            verified.report().stages().forEach(s -> b.addStages(StageVerdict.newBuilder().setStage(s.stage())
                    .setVerdict(s.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-')).setDetail(s.detail())));
            return b.setBackend(PolicyDsl.looksLikePolicy(r.getSourceCode()) ? Backend.BACKEND_SCHED_SIMULATED : kernel()).build();
        });
    }

    @Override
    public void createWorkload(CreateWorkloadRequest request, StreamObserver<Workload> out) {
        unary(out, () -> {
            Violations v = new Violations();
            v.check(!request.getDescription().isBlank() && request.getDescription().length() <= 1000, "description", "1..1000 characters");
            v.throwIfAny();
            return workload(schedcp.workloads().create(request.getDescription()));
        });
    }

    @Override
    public void listWorkloads(ListWorkloadsRequest request, StreamObserver<ListWorkloadsResponse> out) {
        unary(out, () -> ListWorkloadsResponse.newBuilder().addAllWorkloads(schedcp.workloads().list().stream().map(SchedCpGrpcService::workload).toList())
                .build());
    }

    @Override
    public void getWorkloadHistory(WorkloadRef request, StreamObserver<WorkloadHistory> out) {
        unary(out, () -> {
            WorkloadStore.Profile p = schedcp.workloads().get(request.getWorkloadId())
                    .orElseThrow(() -> new NoSuchElementException("workload_id: no workload '" + request.getWorkloadId() + "'"));
            return WorkloadHistory.newBuilder().setWorkload(workload(p))
                    .addAllHistory(schedcp.workloads().history(p.id()).stream().map(SchedCpGrpcService::history).toList()).build();
        });
    }

    @Override
    public void addWorkloadHistory(AddWorkloadHistoryRequest request, StreamObserver<HistoryEntry> out) {
        unary(out, () -> {
            if (schedcp.workloads().get(request.getWorkloadId()).isEmpty()) {
                throw new NoSuchElementException("workload_id: no workload '" + request.getWorkloadId() + "'");
            }
            return history(schedcp.addHistory(request.getWorkloadId(), request.getExecutionId(), request.getResultDescription(), request.getMetricsMap()));
        });
    }

    @Override
    public void deployCanary(DeployCanaryRequest r, StreamObserver<DeployCanaryResponse> out) {
        unary(out, () -> {
            Violations v = new Violations();
            int windows = r.getWindows() == 0 ? 3 : r.getWindows();
            double tolerance = r.getTolerance() == 0 ? 0.10 : r.getTolerance();
            int seconds = r.getSeconds() == 0 ? 2 : r.getSeconds();
            String metric = r.getMetric().isEmpty() ? "wakeup-p99" : r.getMetric();
            int unitMs = r.getUnitMs() == 0 ? 100 : r.getUnitMs();
            v.check(!r.getKnownGood().getName().isEmpty(), "known_good.name", "required");
            v.check(!r.getCandidate().getName().isEmpty(), "candidate.name", "required");
            v.check(metric.equals("wakeup-p99") || metric.equals("batch-makespan"), "metric", "wakeup-p99 or batch-makespan, was '" + metric + "'");
            v.check(unitMs >= 10 && unitMs <= 1000, "unit_ms", "10..1000, was " + r.getUnitMs());
            v.check(windows >= 1 && windows <= 20, "windows", "1..20, was " + r.getWindows());
            v.check(tolerance > 0 && tolerance <= 10, "tolerance", "in (0, 10], was " + r.getTolerance());
            v.check(r.getHogs() >= 0 && r.getHogs() <= 64, "hogs", "0..64, was " + r.getHogs());
            v.check(seconds >= 1 && seconds <= 60, "seconds", "1..60, was " + r.getSeconds());
            v.throwIfAny();
            return onTheHost("measuring the watched metric", () -> {
                CanaryDeployment.Metric watched = metric.equals("batch-makespan") ? batchMakespanMillis(unitMs)
                        : () -> WakeupLatencyProbe.run(r.getHogs(), 4, Duration.ofMillis(1), Duration.ofSeconds(seconds)).p99Micros();
                CanaryDeployment.Outcome o = CanaryDeployment.deploy(schedcp.runner(),
                        new CanaryDeployment.Spec(r.getKnownGood().getName(), r.getKnownGood().getArgsList()),
                        new CanaryDeployment.Spec(r.getCandidate().getName(), r.getCandidate().getArgsList()), watched, windows, tolerance);
                DeployCanaryResponse.Builder b = DeployCanaryResponse.newBuilder().setRunningExecutionId(o.runningExecutionId())
                        .setMetric(metric.equals("batch-makespan") ? "batch-makespan-ms" : "wakeup-p99-us")
                        .setBackend(schedcp.runner().status(o.runningExecutionId()).schedExt().supported() ? Backend.BACKEND_SCHED_EXT
                                : Backend.BACKEND_KERNEL_UNSUPPORTED);
                if (o instanceof CanaryDeployment.Reverted reverted) {
                    b.setPromoted(false).setReason(reverted.reason());
                } else {
                    b.setPromoted(true).setReason("held through " + windows + " windows within the tolerance");
                }
                o.steps().forEach(step -> {
                    CanaryStep.Builder sb = CanaryStep.newBuilder().setPhase(step.phase()).setScheduler(step.scheduler()).setExecutionId(step.executionId());
                    if (!Double.isNaN(step.value())) {
                        sb.setValue(step.value());
                    }
                    b.addSteps(sb);
            });
            return b.build();
            });
        });
    }

    /** The 39 + 1 batch, admitted at once on every CPU, its short jobs {@code unitMs} of CPU each (calibrated once). */
    private static CanaryDeployment.Metric batchMakespanMillis(int unitMs) throws IOException, InterruptedException {
        List<ProcessBatch.Job> jobs = ProcessBatch.batch(ProcessBatch.iterationsPerSecond(Duration.ofMillis(500)) * unitMs / 1000);
        return () -> {
            ProcessBatch.Result result = ProcessBatch.run(jobs, ProcessBatch.Admission.ALL_AT_ONCE, Runtime.getRuntime().availableProcessors(),
                    Duration.ofMinutes(5));
            if (result.spans().stream().anyMatch(s -> s.exitCode() != 0)) {
                throw new IOException("a batch job failed: " + result.spans());
            }
            return result.makespanMillis();
        };
    }

    @Override
    public void profileWorkload(ProfileWorkloadRequest r, StreamObserver<ProfileWorkloadResponse> out) {
        unary(out, () -> {
            Violations v = new Violations();
            v.check(WORKLOADS.contains(r.getWorkload()), "workload", "one of " + WORKLOADS + ", was '" + r.getWorkload() + "'");
            v.check(r.getAdmission().isEmpty() || ADMISSIONS.contains(r.getAdmission()), "admission", "one of " + ADMISSIONS + ", was '" + r.getAdmission() + "'");
            v.check(r.getUnitMs() == 0 || r.getUnitMs() >= 10 && r.getUnitMs() <= 1000, "unit_ms", "10..1000, was " + r.getUnitMs());
            v.check(r.getHogs() >= 0 && r.getHogs() <= 64, "hogs", "0..64, was " + r.getHogs());
            v.check(r.getThreads() >= 0 && r.getThreads() <= 64, "threads", "1..64, was " + r.getThreads());
            v.check(r.getSeconds() >= 0 && r.getSeconds() <= 60, "seconds", "1..60, was " + r.getSeconds());
            v.check(!r.getWorkload().equals("command") || !r.getCommand().isEmpty(), "command", "required for the command workload");
            v.check(r.getRuns() >= 0 && r.getRuns() <= CommandProfiler.MAX_RUNS, "runs", "1.." + CommandProfiler.MAX_RUNS + ", was " + r.getRuns());
            v.check(r.getTimeLimitSeconds() >= 0 && r.getTimeLimitSeconds() <= 600, "time_limit_seconds", "1..600, was " + r.getTimeLimitSeconds());
            v.throwIfAny();
            return onTheHost("running the workload's processes", () -> {
                ProfileWorkloadResponse.Builder b = ProfileWorkloadResponse.newBuilder().setWorkload(r.getWorkload()).setBackend(Backend.BACKEND_HOST_PROCESSES);
                if (r.getWorkload().equals("command")) {
                    CommandProfiler.Profile p = schedcp.profileCommand(r.getCommand(), r.getArgsList(), r.getRuns() == 0 ? 5 : r.getRuns(),
                            Duration.ofSeconds(r.getTimeLimitSeconds() == 0 ? 60 : r.getTimeLimitSeconds()));
                    return b.setMakespanSeconds(p.makespanSeconds()).setJobs(p.runs()).setCommandRuns(CommandRuns.newBuilder().setRuns(p.runs())
                            .setFailedRuns(p.failedRuns()).setTimedOut(p.timedOut()).setRunsPerSecond(p.runsPerSecond()).setP50Ms(p.p50Ms())
                            .setP95Ms(p.p95Ms()).setP99Ms(p.p99Ms()).setMaxMs(p.maxMs()).setLastOutput(p.lastOutput())).build();
                }
                if (r.getWorkload().equals("batch")) {
                    long perSecond = ProcessBatch.iterationsPerSecond(Duration.ofMillis(500));
                    List<ProcessBatch.Job> jobs = ProcessBatch.batch(perSecond * (r.getUnitMs() == 0 ? 250 : r.getUnitMs()) / 1000);
                    ProcessBatch.Admission admission = switch (r.getAdmission()) {
                        case "fifo" -> ProcessBatch.Admission.FIFO;
                        case "longest-first" -> ProcessBatch.Admission.LONGEST_FIRST;
                        default -> ProcessBatch.Admission.ALL_AT_ONCE;
                    };
                    ProcessBatch.Result result = ProcessBatch.run(jobs, admission, Runtime.getRuntime().availableProcessors(), Duration.ofMinutes(5));
                    return b.setMakespanSeconds(result.makespanMillis() / 1e3).setJobs(result.spans().size()).build();
                }
                WakeupLatencyProbe.Result result = WakeupLatencyProbe.run(r.getHogs(), r.getThreads() == 0 ? 4 : r.getThreads(), Duration.ofMillis(1),
                        Duration.ofSeconds(r.getSeconds() == 0 ? 5 : r.getSeconds()));
                return b.setWakeups(result.samples()).setP50LatenessUs(result.p50Micros()).setP99LatenessUs(result.p99Micros())
                        .setMaxLatenessUs(result.maxMicros()).build();
            });
        });
    }

    @Override
    public void simulate(SimulateRequest request, StreamObserver<SimulateResponse> out) {
        unary(out, () -> {
            Violations v = new Violations();
            int cpus = request.getCpus() == 0 ? 2 : request.getCpus();
            v.check(cpus >= 1 && cpus <= 256, "cpus", "1..256, was " + request.getCpus());
            v.check(request.hasBuiltin() || request.hasSource(), "policy", "a builtin policy or a source");
            v.throwIfAny();
            Supplier<SchedPolicy> policy = policy(request.hasBuiltin() ? Optional.of(request.getBuiltin()) : Optional.empty(), request.getSource(),
                    request.hasBuiltin() ? "builtin" : "source");
            List<Task> tasks = workload(request.getWorkload()).apply(request.getSeed());
            SimResult r = Simulator.run(cpus, tasks, policy.get(), HORIZON_MICROS);
            return SimulateResponse.newBuilder().setPolicy(r.policy()).setMakespanSeconds(r.makespanMicros() / 1e6)
                    .setP99WakeupLatencyMs(r.p99ResponseMicros() / 1e3).setP99TurnaroundSeconds(r.p99TurnaroundMicros() / 1e6)
                    .setJainFairness(r.jainFairness()).setLongestWaitSeconds(r.longestWait().map(t -> t.maxWaitMicros() / 1e6).orElse(0.0))
                    .setLongestWaitTask(r.longestWait().map(t -> t.task().id()).orElse(-1)).setEvents(r.events()).setTasks(r.tasks().size())
                    .setBackend(Backend.BACKEND_SCHED_SIMULATED).build();
        });
    }

    @Override
    public void runCanary(RunCanaryRequest request, StreamObserver<RunCanaryResponse> out) {
        unary(out, () -> {
            Violations v = new Violations();
            int windows = request.getWindows() == 0 ? 5 : request.getWindows();
            double tolerance = request.getTolerance() == 0 ? 0.10 : request.getTolerance();
            int cpus = request.getCpus() == 0 ? 2 : request.getCpus();
            v.check(windows >= 1 && windows <= 20, "windows", "1..20, was " + request.getWindows());
            v.check(tolerance > 0 && tolerance <= 10, "tolerance", "in (0, 10], was " + request.getTolerance());
            v.check(cpus >= 1 && cpus <= 64, "cpus", "1..64, was " + request.getCpus());
            v.check(Policies.byName(request.getKnownGood()).isPresent(), "known_good", "one of " + Policies.names());
            v.check(request.hasCandidateBuiltin() || request.hasCandidateSource(), "candidate", "a builtin policy or a source");
            v.throwIfAny();
            Supplier<SchedPolicy> candidate = policy(request.hasCandidateBuiltin() ? Optional.of(request.getCandidateBuiltin()) : Optional.empty(),
                    request.getCandidateSource(), request.hasCandidateBuiltin() ? "candidate_builtin" : "candidate_source");
            CanaryRollout.Outcome o = CanaryRollout.roll(() -> Policies.byName(request.getKnownGood()).orElseThrow(), candidate, Workloads::latency, cpus,
                    windows, tolerance);
            RunCanaryResponse.Builder b = RunCanaryResponse.newBuilder().setBackend(Backend.BACKEND_SCHED_SIMULATED);
            if (o instanceof CanaryRollout.Reverted r) {
                b.setPromoted(false).setRunning(r.restored()).setReason(r.reason());
            } else {
                CanaryRollout.Promoted p = (CanaryRollout.Promoted) o;
                b.setPromoted(true).setRunning(p.candidate()).setReason("held through " + p.windows().size() + " windows within the tolerance");
            }
            o.windows().forEach(w -> b.addWindows(CanaryWindow.newBuilder().setIndex(w.index()).setKnownGoodP99Ms(w.knownGoodP99Micros() / 1e3)
                    .setCandidateP99Ms(w.candidateP99Micros() / 1e3).setRegression(w.regression())));
            return b.build();
        });
    }

    @Override
    public void monitorSystem(MonitorSystemRequest request, StreamObserver<MonitorSystemResponse> out) {
        unary(out, () -> {
            MonitorSystemResponse.Builder b = MonitorSystemResponse.newBuilder().setBackend(Backend.BACKEND_HOST_COUNTERS);
            switch (request.getCommand()) {
                case "start" -> b.setSessionId(schedcp.monitor().start()).setStatus("started");
                case "stop" -> {
                    if (request.getSessionId().isEmpty()) {
                        throw new IllegalArgumentException("session_id: required to stop");
                    }
                    SystemMonitor.Summary s = schedcp.monitor().stop(request.getSessionId());
                    b.setSessionId(request.getSessionId()).setStatus("stopped").setSummary(SystemSummary.newBuilder()
                            .setDurationSecs(s.durationSecs()).setSampleCount(s.sampleCount()).setCpuAvgPercent(s.cpuAvg()).setCpuMaxPercent(s.cpuMax())
                            .setMemoryAvgPercent(s.memoryAvgPercent()).setMemoryMaxPercent(s.memoryMaxPercent()).setMemoryAvgUsedMb(s.memoryAvgUsedMb())
                            .setSchedstat(s.schedstat()).setTotalTimeslices(s.totalTimeslices()).setAvgRunTimeNs(s.avgRunTimeNs())
                            .setProcessWaitMsPerSecond(s.processWaitMsPerSecond())
                            .addAllMostDelayed(s.mostDelayed().stream().map(d -> DelayedProcess.newBuilder().setPid(d.pid()).setCommand(d.command())
                                    .setWaitMs(d.waitMs()).build()).toList()));
                }
                default -> throw new IllegalArgumentException("command: start or stop, was '" + request.getCommand() + "'");
            }
            return b.build();
        });
    }

    /** The kernel a scheduler meets here: sched_ext, or one without it (where nothing is ever loaded). */
    private Backend kernel() {
        return schedcp.schedExt().supported() ? Backend.BACKEND_SCHED_EXT : Backend.BACKEND_KERNEL_UNSUPPORTED;
    }

    /** Work that runs processes on this host (and may be interrupted). */
    @FunctionalInterface
    private interface HostWork<T> {
        T run() throws IOException, InterruptedException;
    }

    /** Runs {@code work} alone: profiling and canaries use every CPU, so a second one at the same time is refused. */
    private <T> T onTheHost(String what, HostWork<T> work) {
        if (!profiling.tryAcquire()) {
            throw new IllegalStateException("a workload is being profiled or a canary measured; one at a time (it uses every CPU)");
        }
        try {
            return work.run();
        } catch (IOException e) {
            throw new IllegalStateException("failed " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted " + what, e);
        } finally {
            profiling.release();
        }
    }

    /** A built-in policy by name, or one in the simulator's language (parsed once; a fresh instance per run). */
    private static Supplier<SchedPolicy> policy(Optional<String> builtin, String source, String field) {
        if (builtin.isPresent()) {
            String name = builtin.get();
            if (Policies.byName(name).isEmpty()) {
                throw new IllegalArgumentException(field + ": one of " + Policies.names() + ", was '" + name + "'");
            }
            return () -> Policies.byName(name).orElseThrow();
        }
        try {
            return PolicyDsl.parse(source)::instantiate;
        } catch (PolicyDsl.SyntaxError e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
    }

    private static LongFunction<List<Task>> workload(String name) {
        return switch (name) {
            case "batch" -> seed -> Workloads.batch();
            case "latency" -> Workloads::latency;
            case "starvation-probe" -> seed -> Workloads.starvationProbe(2, 60);
            default -> throw new IllegalArgumentException("workload: batch, latency or starvation-probe, was '" + name + "'");
        };
    }

    private Execution execution(SchedulerRunner.Execution e) {
        Execution.Builder b = Execution.newBuilder().setExecutionId(e.executionId()).setSchedulerName(e.schedulerName()).setCommand(e.command())
                .addAllArgs(e.args()).setStatus(e.status()).setPid(e.pid()).setStartTime(e.startTime().toString())
                .setEndTime(e.endTime().map(Object::toString).orElse("")).setDurationSeconds(e.duration(schedcp.clock().instant()).toMillis() / 1000.0)
                .setOutput(e.output()).setSchedExtSupported(e.schedExt().supported()).setSchedExtState(e.schedExt().state()).setLoaded(e.loaded())
                .setBackend(e.schedExt().supported() ? Backend.BACKEND_SCHED_EXT : Backend.BACKEND_KERNEL_UNSUPPORTED);
        e.exitCode().ifPresent(b::setExitCode);
        return b.build();
    }

    private static Workload workload(WorkloadStore.Profile p) {
        return Workload.newBuilder().setWorkloadId(p.id()).setDescription(p.description()).setCreatedAt(p.createdAt()).setUpdatedAt(p.updatedAt()).build();
    }

    private static HistoryEntry history(WorkloadStore.History h) {
        return HistoryEntry.newBuilder().setHistoryId(h.id()).setWorkloadId(h.workloadId()).setExecutionId(h.executionId())
                .setSchedulerName(h.schedulerName()).addAllArgs(h.args()).setResultDescription(h.resultDescription()).setCreatedAt(h.createdAt())
                .putAllMetrics(h.metrics()).build();
    }

    private static <T> void unary(StreamObserver<T> out, Supplier<T> handler) {
        UnaryCall.respond(out, handler, SchedCpGrpcService::status);
    }

    /** The engine's refusals as statuses ("field: problem" messages name the field); a store that does not answer is UNAVAILABLE. */
    private static Optional<StatusRuntimeException> status(RuntimeException e) {
        if (e instanceof StoreUnavailable) {
            return Optional.of(GrpcErrors.of(Status.Code.UNAVAILABLE, ErrorReason.ERROR_REASON_STORE_UNAVAILABLE, e.getMessage()));
        }
        return GrpcErrors.fromEngine(e);
    }
}
