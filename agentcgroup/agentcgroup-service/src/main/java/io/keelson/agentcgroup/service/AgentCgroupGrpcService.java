package io.keelson.agentcgroup.service;

import io.grpc.stub.StreamObserver;
import io.keelson.agentcgroup.core.analysis.CorpusAnalysis;
import io.keelson.agentcgroup.core.analysis.TaskAnalysis;
import io.keelson.agentcgroup.core.trace.TaskTrace;
import io.keelson.agentcgroup.core.trace.ToolCall;
import io.keelson.agentcgroup.core.trace.TraceReader;
import io.keelson.agentcgroup.core.sim.Policies;
import io.keelson.agentcgroup.core.sim.Policy;
import io.keelson.agentcgroup.core.sim.Priority;
import io.keelson.agentcgroup.core.sim.Scenario;
import io.keelson.agentcgroup.core.sim.SimResult;
import io.keelson.agentcgroup.core.sim.Simulator;
import io.keelson.agentcgroup.core.sim.TenantSpec;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.PolicyOutcome;
import io.keelson.agentcgroup.v1.SimTenant;
import io.keelson.agentcgroup.v1.SimulateRequest;
import io.keelson.agentcgroup.v1.SimulateResponse;
import io.keelson.agentcgroup.v1.TenantOutcome;
import io.keelson.agentcgroup.v1.AnalyzeTracesRequest;
import io.keelson.agentcgroup.v1.AnalyzeTracesResponse;
import io.keelson.agentcgroup.v1.Burst;
import io.keelson.agentcgroup.v1.Spike;
import io.keelson.agentcgroup.v1.TaskTraceUpload;
import io.keelson.agentcgroup.v1.ToolCallRef;
import io.keelson.agentcgroup.v1.ToolStats;
import io.keelson.common.grpc.ProtoTime;
import io.keelson.common.grpc.GrpcErrors;
import io.keelson.common.grpc.UnaryCall;
import io.keelson.common.grpc.Violations;
import io.keelson.common.v1.ErrorReason;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.keelson.agentcgroup.core.sandbox.ResourceHint;
import io.keelson.agentcgroup.core.sandbox.SandboxException;
import io.keelson.agentcgroup.core.sandbox.SessionLedger;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;
import io.keelson.agentcgroup.core.sandbox.ToolCallResult;
import io.keelson.agentcgroup.v1.CallRecord;
import io.keelson.agentcgroup.v1.EventKind;
import io.keelson.agentcgroup.v1.SessionEvent;
import io.keelson.agentcgroup.v1.SetPolicyRequest;
import io.keelson.agentcgroup.v1.SetPolicyResponse;
import io.keelson.agentcgroup.v1.StreamEventsRequest;
import io.keelson.agentcgroup.v1.GetSessionUsageRequest;
import io.keelson.agentcgroup.v1.GetSessionUsageResponse;
import io.keelson.agentcgroup.v1.ClosedSession;
import io.keelson.agentcgroup.v1.ListSessionsRequest;
import io.keelson.agentcgroup.v1.ListSessionsResponse;
import io.keelson.agentcgroup.v1.CloseSessionRequest;
import io.keelson.agentcgroup.v1.CloseSessionResponse;
import io.keelson.agentcgroup.v1.CreateSessionRequest;
import io.keelson.agentcgroup.v1.CreateSessionResponse;
import io.keelson.agentcgroup.v1.RunToolCallEvent;
import io.keelson.agentcgroup.v1.RunToolCallRequest;
import io.keelson.agentcgroup.v1.ToolCallEnd;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import io.grpc.StatusRuntimeException;
import io.keelson.common.v1.Backend;

import java.util.Comparator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code keelson.agentcgroup.v1.AgentCgroupService}: trace analysis, policy simulation, and sessions whose tool
 * calls run in cgroups of their own. Tool calls run on their own threads, never the transport's.
 */
public final class AgentCgroupGrpcService extends AgentCgroupServiceGrpc.AgentCgroupServiceImplBase {

    static final int MAX_TASKS = 256;
    static final int MAX_NAME = 128;

    private final TraceReader reader = new TraceReader();
    private final Optional<SessionRegistry> sessions;
    private final Backend cgroupBackend;
    private final String unsupported;
    private final Executor calls;
    private final SessionEvents events;
    private final Optional<LivePolicy> policy;

    /**
     * @param sessions    absent where this host has no usable cgroup memory controller ({@code unsupported} says why)
     * @param calls       runs tool calls off the transport's threads; refuses work beyond its bound
     */
    AgentCgroupGrpcService(Optional<SessionRegistry> sessions, Backend cgroupBackend, String unsupported, Executor calls,
                           SessionEvents events, Optional<LivePolicy> policy) {
        this.sessions = sessions;
        this.cgroupBackend = cgroupBackend;
        this.unsupported = unsupported;
        this.calls = calls;
        this.events = events;
        this.policy = policy;
    }

    private void publish(String sessionId, EventKind kind, String callId, String detail) {
        events.publish(SessionEvent.newBuilder().setAtEpoch(System.currentTimeMillis() / 1e3).setSessionId(sessionId).setKind(kind)
                .setCallId(callId).setDetail(detail).setBackend(cgroupBackend).build());
    }

    @Override
    public void setPolicy(SetPolicyRequest request, StreamObserver<SetPolicyResponse> out) {
        unary(out, () -> {
            LivePolicy live = policy.orElseThrow(() -> GrpcErrors.of(Status.Code.FAILED_PRECONDITION,
                    ErrorReason.ERROR_REASON_BACKEND_UNSUPPORTED, "a live policy needs cgroups: " + unsupported));
            live.set(request);
            return SetPolicyResponse.newBuilder().setPolicy(live.policy()).setMemoryBudgetBytes(live.budget()).setSettings(live.describe())
                    .setBackend(cgroupBackend).build();
        });
    }

    @Override
    public void streamEvents(StreamEventsRequest request, StreamObserver<SessionEvent> responses) {
        ServerCallStreamObserver<SessionEvent> out = (ServerCallStreamObserver<SessionEvent>) responses;
        Runnable unsubscribe = events.subscribe(request.getSessionId(), e -> {
            synchronized (out) {
                if (!out.isCancelled()) {
                    out.onNext(e);
                }
            }
        });
        out.setOnCancelHandler(unsubscribe);
    }

    private SessionRegistry registry() {
        return sessions.orElseThrow(() -> GrpcErrors.of(Status.Code.FAILED_PRECONDITION, ErrorReason.ERROR_REASON_BACKEND_UNSUPPORTED,
                "sessions need cgroups: " + unsupported + " (backend " + cgroupBackend + ")"));
    }

    @Override
    public void createSession(CreateSessionRequest request, StreamObserver<CreateSessionResponse> out) {
        unary(out, () -> {
            if (request.getPriority() == io.keelson.agentcgroup.v1.Priority.PRIORITY_UNSPECIFIED) {
                throw new SandboxException(SandboxException.Kind.INVALID, "priority", "PRIORITY_HIGH or PRIORITY_LOW");
            }
            SessionRegistry.Session s = registry().create(request.getSessionId(),
                    request.getPriority() == io.keelson.agentcgroup.v1.Priority.PRIORITY_HIGH ? Priority.HIGH : Priority.LOW,
                    request.getDefaultMemoryLimitBytes() == 0 ? OptionalLong.empty() : OptionalLong.of(request.getDefaultMemoryLimitBytes()),
                    Set.copyOf(request.getAllowedCommandsList()));
            publish(s.id(), EventKind.EVENT_KIND_SESSION_OPENED, "", s.priority().name().toLowerCase(java.util.Locale.ROOT) + " priority");
            return CreateSessionResponse.newBuilder().setSessionId(s.id()).setCgroup(s.cgroup().path()).setBackend(cgroupBackend)
                    .setCpuWeight(s.cgroup().cpuWeight().orElse(0)).build();
        });
    }

    /** Runs a unary handler: its value is the reply; a refusal becomes the matching status. */
    private static <T> void unary(StreamObserver<T> out, java.util.function.Supplier<T> handler) {
        UnaryCall.respond(out, handler, e -> e instanceof SandboxException s ? Optional.of(status(s))
                : e instanceof SessionLedger.Unavailable u
                ? Optional.of(GrpcErrors.of(Status.Code.UNAVAILABLE, ErrorReason.ERROR_REASON_STORE_UNAVAILABLE, u.getMessage()))
                : Optional.empty());
    }


    @Override
    public void runToolCall(RunToolCallRequest request, StreamObserver<RunToolCallEvent> responses) {
        ServerCallStreamObserver<RunToolCallEvent> out = (ServerCallStreamObserver<RunToolCallEvent>) responses;
        SessionRegistry registry;
        try {
            registry = registry();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        Runnable call = () -> {
            try {
                publish(request.getSessionId(), EventKind.EVENT_KIND_CALL_STARTED, request.getCallId(),
                        request.getArgvCount() == 0 ? "" : request.getArgv(0));
                ToolCallResult r = registry.run(request.getSessionId(), request.getCallId(), request.getArgvList(), limit(request),
                        Duration.ofSeconds(request.getTimeoutSeconds()), chunk -> send(out, RunToolCallEvent.newBuilder()
                                .setOutput(ByteString.copyFrom(chunk)).setBackend(cgroupBackend).build()));
                send(out, RunToolCallEvent.newBuilder().setEnd(end(r)).setBackend(cgroupBackend).build());
                publish(request.getSessionId(), EventKind.EVENT_KIND_CALL_ENDED, request.getCallId(), r.verdict().explain());
                synchronized (out) {
                    if (!out.isCancelled()) {
                        out.onCompleted();
                    }
                }
            } catch (SandboxException e) {
                synchronized (out) {
                    out.onError(status(e));
                }
            } catch (RuntimeException e) {
                synchronized (out) {
                    out.onError(GrpcErrors.of(Status.Code.INTERNAL, ErrorReason.ERROR_REASON_UNSPECIFIED, "tool call failed: " + e.getMessage()));
                }
            }
        };
        try {
            calls.execute(call);
        } catch (RejectedExecutionException e) {
            out.onError(GrpcErrors.of(Status.Code.RESOURCE_EXHAUSTED, ErrorReason.ERROR_REASON_RESOURCE_EXHAUSTED,
                    "too many tool calls running on this host; try again when one ends"));
        }
    }

    /**
     * The call's memory limit: the agent's hint when it gave one (memory:high meaning none), else the request's
     * bytes, else (empty) the session's default.
     */
    private static Optional<OptionalLong> hinted(RunToolCallRequest request) {
        return request.getResourceHint().isBlank() ? Optional.empty()
                : Optional.of(ResourceHint.memoryLimit(request.getResourceHint(), "resource_hint"));
    }

    private static SessionRegistry.Limit limit(RunToolCallRequest request) {
        Optional<OptionalLong> hint = hinted(request);
        if (hint.isPresent()) {
            return new SessionRegistry.Limit.Explicit(hint.get());
        }
        return request.getMemoryLimitBytes() == 0 ? new SessionRegistry.Limit.SessionDefault()
                : new SessionRegistry.Limit.Explicit(OptionalLong.of(request.getMemoryLimitBytes()));
    }

    private static void send(ServerCallStreamObserver<RunToolCallEvent> out, RunToolCallEvent event) {
        synchronized (out) {
            if (!out.isCancelled()) {
                out.onNext(event);
            }
        }
    }

    private static ToolCallEnd end(ToolCallResult r) {
        String verdict = r.verdict() instanceof ToolCallResult.Verdict.OutOfMemory ? "out_of_memory"
                : r.verdict() instanceof ToolCallResult.Verdict.TimedOut ? "timed_out"
                : r.verdict() instanceof ToolCallResult.Verdict.KilledByPolicy ? "killed_by_policy"
                : r.verdict() instanceof ToolCallResult.Verdict.SessionClosed ? "session_closed" : "completed";
        return ToolCallEnd.newBuilder().setExitCode(r.exitCode()).setPeakBytes(r.peakBytes().orElse(0)).setOomKills(r.oomKills())
                .setWallSeconds(r.wall().toNanos() / 1e9).setCpuSeconds(r.cpu().map(c -> c.toNanos() / 1e9).orElse(-1.0))
                .setVerdict(verdict).setExplanation(r.verdict().explain()).build();
    }

    @Override
    public void getSessionUsage(GetSessionUsageRequest request, StreamObserver<GetSessionUsageResponse> out) {
        unary(out, () -> {
            SessionRegistry.Usage u = registry().usage(request.getSessionId());
            GetSessionUsageResponse.Builder b = usage(u);
            u.recent().forEach(c -> b.addRecentCalls(CallRecord.newBuilder().setCallId(c.callId()).setProgram(c.program()).setEnd(end(c.result()))));
            return b.build();
        });
    }

    @Override
    public void listSessions(ListSessionsRequest request, StreamObserver<ListSessionsResponse> out) {
        unary(out, () -> {
            if (request.getClosedLimit() < 0 || request.getClosedLimit() > 1000) {
                throw GrpcErrors.invalidArgument(List.of(GrpcErrors.violation("closed_limit", "0..1000, was " + request.getClosedLimit())));
            }
            ListSessionsResponse.Builder b = ListSessionsResponse.newBuilder().setUnsupported(unsupported).setBackend(cgroupBackend);
            sessions.ifPresent(registry -> registry.sessions().stream()
                    .sorted(Comparator.comparing(SessionRegistry.Session::id))
                    .forEach(s -> {
                        try {
                            b.addSessions(usage(registry.usage(s.id())));
                        } catch (SandboxException closedMeanwhile) {
                            // closed between listing and reading: not open any more, so not listed
                        }
                    }));
            policy.ifPresent(live -> b.setPolicy(live.policy()).setPolicySettings(live.describe()).setMemoryBudgetBytes(live.budget()));
            if (request.getClosedLimit() > 0) {
                sessions.ifPresent(registry -> {
                    registry.ledger().closed(request.getClosedLimit()).forEach(c -> b.addClosed(ClosedSession.newBuilder().setSessionId(c.id()).setNode(c.node())
                            .setPriority(c.priority() == Priority.HIGH ? io.keelson.agentcgroup.v1.Priority.PRIORITY_HIGH
                                    : io.keelson.agentcgroup.v1.Priority.PRIORITY_LOW)
                            .setOpenedAt(ProtoTime.of(c.openedAt())).setClosedAt(ProtoTime.of(c.closedAt())).setReason(c.reason())
                            .setCallsFinished(c.callsFinished()).setOomKills(c.oomKills())));
                });
            }
            return b.build();
        });
    }

    private GetSessionUsageResponse.Builder usage(SessionRegistry.Usage u) {
        return GetSessionUsageResponse.newBuilder().setSessionId(u.session().id())
                .setPriority(u.session().priority() == Priority.HIGH ? io.keelson.agentcgroup.v1.Priority.PRIORITY_HIGH
                        : io.keelson.agentcgroup.v1.Priority.PRIORITY_LOW)
                .setMemoryBytes(u.memoryBytes()).setPeakMemoryBytes(u.peakMemoryBytes())
                .setCpuSeconds(u.cpu().map(c -> c.toNanos() / 1e9).orElse(-1.0)).setCallsFinished(u.finished())
                .setCallsRunning(u.running()).setOomKills(u.oomKills()).setBackend(cgroupBackend);
    }

    @Override
    public void closeSession(CloseSessionRequest request, StreamObserver<CloseSessionResponse> out) {
        unary(out, () -> {
            registry().close(request.getSessionId());
            publish(request.getSessionId(), EventKind.EVENT_KIND_SESSION_CLOSED, "", "closed");
            return CloseSessionResponse.newBuilder().setBackend(cgroupBackend).build();
        });
    }

    private static StatusRuntimeException status(SandboxException e) {
        return switch (e.kind()) {
            case INVALID -> GrpcErrors.invalidArgument(List.of(GrpcErrors.violation(e.field(), e.reason())));
            case NOT_FOUND -> GrpcErrors.of(Status.Code.NOT_FOUND, ErrorReason.ERROR_REASON_NOT_FOUND, e.getMessage());
            case EXISTS -> GrpcErrors.of(Status.Code.ALREADY_EXISTS, ErrorReason.ERROR_REASON_FAILED_PRECONDITION, e.getMessage());
        };
    }

    @Override
    public void analyzeTraces(AnalyzeTracesRequest request, StreamObserver<AnalyzeTracesResponse> out) {
        Violations v = new Violations();
        v.check(request.getTasksCount() >= 1 && request.getTasksCount() <= MAX_TASKS, "tasks",
                "1.." + MAX_TASKS + " tasks, got " + request.getTasksCount());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < request.getTasksCount(); i++) {
            TaskTraceUpload t = request.getTasks(i);
            v.check(!t.getName().isBlank() && t.getName().length() <= MAX_NAME, "tasks[" + i + "].name",
                    "1.." + MAX_NAME + " characters, was " + t.getName().length());
            v.check(names.add(t.getName()), "tasks[" + i + "].name", "'" + t.getName() + "' appears twice");
            v.check(!t.getResourcesJson().isEmpty(), "tasks[" + i + "].resources_json", "is required");
        }
        try {
            v.throwIfAny();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        List<TaskTrace> traces = new ArrayList<>();
        for (TaskTraceUpload t : request.getTasksList()) {
            traces.add(reader.read(t.getName(), () -> Optional.of(t.getResourcesJson().newInput()),
                    () -> t.getToolCallsJson().isEmpty() ? Optional.empty() : Optional.of(t.getToolCallsJson().newInput())));
        }
        CorpusAnalysis corpus = CorpusAnalysis.of(traces);
        AnalyzeTracesResponse.Builder response = AnalyzeTracesResponse.newBuilder().setBackend(Backend.BACKEND_OFFLINE_ANALYSIS);
        corpus.tasks().forEach(t -> response.addTasks(wire(t)));
        corpus.byTool().values().forEach(s -> response.addByTool(wire(s)));
        out.onNext(response.build());
        out.onCompleted();
    }

    static final int MAX_TENANTS = 32;
    static final int MAX_SPEED_UP = 1000; // beyond it the ticks (100 ms / speed-up) make a replay slower, not faster
    static final int MAX_CORES = 1024;

    @Override
    public void simulate(SimulateRequest request, StreamObserver<SimulateResponse> out) {
        Violations v = new Violations();
        v.check(request.getTenantsCount() >= 1 && request.getTenantsCount() <= MAX_TENANTS, "tenants",
                "1.." + MAX_TENANTS + " tenants, got " + request.getTenantsCount());
        v.check(request.getCapacityMb() > 0, "capacity_mb", "must be positive, was " + request.getCapacityMb());
        v.check(request.getBaseMb() >= 0, "base_mb", "must not be negative, was " + request.getBaseMb());
        double speedUp = request.getSpeedUp() == 0 ? 1 : request.getSpeedUp();
        int cores = request.getCores() == 0 ? Scenario.DEFAULT_CORES : request.getCores();
        v.check(speedUp >= 1 && speedUp <= MAX_SPEED_UP, "speed_up", "1.." + MAX_SPEED_UP + " (0: 1), was " + request.getSpeedUp());
        v.check(cores >= 1 && cores <= MAX_CORES, "cores", "1.." + MAX_CORES + " (0: " + Scenario.DEFAULT_CORES + "), was " + request.getCores());
        List<Policy> policies = new ArrayList<>();
        for (int i = 0; i < request.getPoliciesCount(); i++) {
            String name = request.getPolicies(i);
            Optional<Policy> p = Policies.all().stream().filter(x -> x.name().equals(name)).findFirst();
            v.check(p.isPresent(), "policies[" + i + "]", "unknown policy '" + name + "'; known: "
                    + Policies.all().stream().map(Policy::name).toList());
            p.ifPresent(policies::add);
        }
        List<TenantSpec> tenants = new ArrayList<>();
        for (int i = 0; i < request.getTenantsCount(); i++) {
            SimTenant t = request.getTenants(i);
            v.check(t.getPriority() != io.keelson.agentcgroup.v1.Priority.PRIORITY_UNSPECIFIED, "tenants[" + i + "].priority",
                    "PRIORITY_HIGH or PRIORITY_LOW");
            v.check(!t.getTrace().getName().isBlank() && t.getTrace().getName().length() <= MAX_NAME, "tenants[" + i + "].trace.name",
                    "1.." + MAX_NAME + " characters");
            TaskTrace trace = reader.read(t.getTrace().getName(), () -> Optional.of(t.getTrace().getResourcesJson().newInput()),
                    Optional::empty);
            v.check(!trace.samples().isEmpty(), "tenants[" + i + "].trace.resources_json", "no usable memory sample ("
                    + trace.sampleReport().skipped() + ")");
            if (!trace.samples().isEmpty()) {
                Priority priority = t.getPriority() == io.keelson.agentcgroup.v1.Priority.PRIORITY_HIGH ? Priority.HIGH : Priority.LOW;
                TenantSpec spec = TenantSpec.of(trace, priority, request.getBaseMb() * 1_000_000L);
                tenants.add(spec.named(spec.name() + "#" + i, priority));
            }
        }
        try {
            v.throwIfAny();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        Scenario scenario = Scenario.of(tenants, request.getCapacityMb() * 1_000_000L, request.getSeed()).replayed(speedUp, cores);
        SimulateResponse.Builder response = SimulateResponse.newBuilder().setBackend(Backend.BACKEND_OFFLINE_ANALYSIS);
        for (Policy policy : policies.isEmpty() ? Policies.all() : policies) {
            response.addPolicies(wire(Simulator.run(scenario, policy)));
        }
        out.onNext(response.build());
        out.onCompleted();
    }

    private static PolicyOutcome wire(SimResult r) {
        PolicyOutcome.Builder b = PolicyOutcome.newBuilder().setPolicy(r.policy()).setKilled(r.killed()).setSurvival(r.survival())
                .setHighSlowdown(r.highSlowdown()).setHighP95StallMillis(r.highP95StallMillis())
                .setInjectedDelaySeconds(r.injectedDelaySeconds()).setOverProvisionedMbSeconds(r.overProvisionedMbSeconds());
        for (SimResult.TenantResult t : r.tenants()) {
            b.addTenants(TenantOutcome.newBuilder().setName(t.name())
                    .setPriority(t.priority() == Priority.HIGH ? io.keelson.agentcgroup.v1.Priority.PRIORITY_HIGH
                            : io.keelson.agentcgroup.v1.Priority.PRIORITY_LOW)
                    .setSurvived(t.survived()).setKilledBecause(t.killedBecause().orElse("")).setSlowdown(t.slowdown())
                    .setP95StallMillis(t.p95StallMillis()).setDelayedSeconds(t.delayedSeconds()).setFrozenSeconds(t.frozenSeconds())
                    .setPeakBytes(t.peakBytes()));
        }
        return b.build();
    }

    private static io.keelson.agentcgroup.v1.TaskAnalysis wire(TaskAnalysis t) {
        io.keelson.agentcgroup.v1.TaskAnalysis.Builder b = io.keelson.agentcgroup.v1.TaskAnalysis.newBuilder()
                .setTask(t.task()).setSeconds(t.seconds()).setToolSeconds(t.toolSeconds()).setModelSeconds(t.modelSeconds())
                .setCallsWithoutEnd(t.callsWithoutEnd()).setPeakBytes(t.peakBytes()).setPeakEpoch(t.peakEpoch())
                .setAverageBytes(t.averageBytes()).setPeakToAverage(t.peakToAverage())
                .setSamplesKept(t.samples().kept()).putAllSamplesSkipped(t.samples().skipped())
                .setCallsKept(t.calls().kept()).putAllCallsSkipped(t.calls().skipped());
        t.peakTool().ifPresent(c -> b.setPeakDuring(ref(c)));
        for (TaskAnalysis.Spike s : t.spikes()) {
            Spike.Builder spike = Spike.newBuilder().setEpoch(s.epoch()).setBytes(s.bytes());
            s.during().ifPresent(c -> spike.setDuring(ref(c)));
            b.addSpikes(spike);
        }
        for (TaskAnalysis.Burst x : t.bursts()) {
            Burst.Builder burst = Burst.newBuilder().setFromEpoch(x.from()).setToEpoch(x.to()).setBytesAdded(x.bytesAdded())
                    .setBytesPerSecond(x.bytesPerSecond());
            x.during().ifPresent(c -> burst.setDuring(ref(c)));
            b.addBursts(burst);
        }
        for (Map.Entry<String, TaskAnalysis.ToolStats> e : t.byTool().entrySet()) {
            b.addByTool(wire(e.getValue()));
        }
        return b.build();
    }

    private static ToolStats wire(TaskAnalysis.ToolStats s) {
        return ToolStats.newBuilder().setTool(s.tool()).setCalls(s.calls()).setTimedSeconds(s.seconds())
                .setP50PeakBytes(s.p50PeakBytes()).setP95PeakBytes(s.p95PeakBytes()).setMaxPeakBytes(s.maxPeakBytes()).build();
    }

    private static ToolCallRef ref(ToolCall c) {
        return ToolCallRef.newBuilder().setTool(c.tool()).setSummary(c.summary()).setStartEpoch(c.start()).build();
    }
}
