package io.keelson.agentcgroup.service;

import com.google.rpc.BadRequest;
import io.grpc.protobuf.StatusProto;
import io.keelson.agentcgroup.v1.CloseSessionRequest;
import io.keelson.agentcgroup.v1.CreateSessionRequest;
import io.keelson.agentcgroup.v1.Priority;
import io.keelson.agentcgroup.v1.RunToolCallEvent;
import io.keelson.agentcgroup.v1.RunToolCallRequest;
import io.keelson.agentcgroup.v1.ToolCallEnd;
import org.junit.jupiter.api.io.TempDir;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import static org.junit.jupiter.api.Assumptions.abort;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.AnalyzeTracesRequest;
import io.keelson.agentcgroup.v1.AnalyzeTracesResponse;
import io.keelson.agentcgroup.v1.TaskTraceUpload;
import io.keelson.common.events.InProcessEventBus;
import io.keelson.common.v1.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service in-process: analysis and simulation on uploaded traces, and sessions whose tool calls run on this
 * host's real cgroups (root in CI, v1 memory here). Without a usable memory controller the service must refuse
 * sessions with FAILED_PRECONDITION, saying why; the session test checks that and stops there.
 */
class AgentCgroupGrpcServiceTest {

    private static final Path DASK = Path.of("../testdata/agentcgroup-traces/paper-scenario/dask__dask-11628");

    @org.junit.jupiter.api.io.TempDir
    Path home;
    private InProcessService service;
    private AgentCgroupServiceGrpc.AgentCgroupServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        service = InProcessService.start(home);
        stub = service.stub();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private final InProcessEventBus bus = new InProcessEventBus();

    private void restartOn(CgroupBackend cgroups) throws Exception {
        service.close();
        service = InProcessService.serve(AgentCgroupSystem.start(home, AgentCgroupSystem.DEFAULT_ALLOWED_COMMANDS, cgroups, bus));
        stub = service.stub();
    }

    @Test
    void analysesUploadedTracesAndCountsBadRecords() throws Exception {
        AnalyzeTracesResponse r = stub.analyzeTraces(AnalyzeTracesRequest.newBuilder()
                .addTasks(TaskTraceUpload.newBuilder().setName("dask")
                        .setResourcesJson(ByteString.copyFrom(Files.readAllBytes(DASK.resolve("resources.json"))))
                        .setToolCallsJson(ByteString.copyFrom(Files.readAllBytes(DASK.resolve("tool_calls.json")))))
                .addTasks(TaskTraceUpload.newBuilder().setName("broken")
                        .setResourcesJson(ByteString.copyFromUtf8("{\"samples\":[{\"epoch\":1,\"mem_usage\":\"5MB\"},{\"epoch\":2},{\"epoch\":3,\"mem_usage\":\"9Q")))
                .build());
        assertThat(r.getBackend()).isEqualTo(Backend.BACKEND_OFFLINE_ANALYSIS);
        assertThat(r.getTasks(0).getPeakBytes()).isEqualTo(320_900_000L);
        assertThat(r.getTasks(0).getPeakDuring().getTool()).isEqualTo("Bash");
        assertThat(r.getTasks(0).getToolSeconds()).isPositive();
        assertThat(r.getTasks(1).getSamplesKept()).isEqualTo(1);
        assertThat(r.getTasks(1).getSamplesSkippedMap()).containsEntry("sample without mem_usage", 1).hasSize(2);
        assertThat(r.getTasks(1).getCallsSkippedMap()).containsEntry("file missing: tool_calls.json", 1);
        assertThat(r.getByToolList()).extracting(t -> t.getTool()).contains("Bash", "Read");
    }

    @Test
    void badRequestsNameTheirFields() {
        assertThatThrownBy(() -> stub.analyzeTraces(AnalyzeTracesRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("tasks: 1..256 tasks, got 0");
                });
        assertThatThrownBy(() -> stub.analyzeTraces(AnalyzeTracesRequest.newBuilder()
                .addTasks(TaskTraceUpload.newBuilder().setName("a").setResourcesJson(ByteString.copyFromUtf8("{}")))
                .addTasks(TaskTraceUpload.newBuilder().setName("a"))
                .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
                        .contains("tasks[1].name: 'a' appears twice", "tasks[1].resources_json: is required"));
    }

    @Test
    void simulatesTheStudysScenarioForEveryPolicyAndRefusesBadInput() throws Exception {
        Path low = DASK.resolveSibling("sigmavirus24__github3.py-673");
        io.keelson.agentcgroup.v1.SimulateRequest.Builder request = io.keelson.agentcgroup.v1.SimulateRequest.newBuilder()
                .setCapacityMb(1100).setBaseMb(100).setSeed(42)
                .addTenants(tenant("dask", DASK, io.keelson.agentcgroup.v1.Priority.PRIORITY_HIGH))
                .addTenants(tenant("github3", low, io.keelson.agentcgroup.v1.Priority.PRIORITY_LOW))
                .addTenants(tenant("github3", low, io.keelson.agentcgroup.v1.Priority.PRIORITY_LOW));
        io.keelson.agentcgroup.v1.SimulateResponse all = stub.simulate(request.build());
        assertThat(all.getPoliciesCount()).isEqualTo(7);
        assertThat(all.getPolicies(0).getKilled()).isEqualTo(1); // no limits
        io.keelson.agentcgroup.v1.PolicyOutcome ours = all.getPolicies(6);
        assertThat(ours.getPolicy()).startsWith("agentcgroup");
        assertThat(ours.getKilled()).isZero();
        assertThat(stub.simulate(request.build())).isEqualTo(all); // deterministic
        // the study's replay at 1,300 MB: 100x faster, on 2 CPUs the tenants' page faults contend and ours weighs the high one first
        io.keelson.agentcgroup.v1.SimulateResponse replayed = stub.simulate(request.clone().setCapacityMb(1300).setSpeedUp(100).setCores(2).build());
        assertThat(replayed.getPolicies(6).getHighP95StallMillis()).isLessThan(replayed.getPolicies(0).getHighP95StallMillis());
        assertThat(stub.simulate(request.addPolicies("senpai").build()).getPoliciesList()).extracting(p -> p.getPolicy())
                .containsExactly("senpai");
        assertThatThrownBy(() -> stub.simulate(io.keelson.agentcgroup.v1.SimulateRequest.newBuilder().setCapacityMb(0).setSpeedUp(0.5).setCores(-1)
                .addPolicies("magic").addTenants(io.keelson.agentcgroup.v1.SimTenant.newBuilder()
                        .setTrace(TaskTraceUpload.newBuilder().setName("x").setResourcesJson(ByteString.copyFromUtf8("{}")))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription()).contains(
                        "capacity_mb: must be positive", "speed_up: 1..1000", "cores: 1..1024", "policies[0]: unknown policy 'magic'", "tenants[0].priority",
                        "tenants[0].trace.resources_json: no usable memory sample"));
    }

    private static io.keelson.agentcgroup.v1.SimTenant tenant(String name, Path dir, io.keelson.agentcgroup.v1.Priority priority)
            throws Exception {
        return io.keelson.agentcgroup.v1.SimTenant.newBuilder().setPriority(priority).setTrace(TaskTraceUpload.newBuilder()
                .setName(name).setResourcesJson(ByteString.copyFrom(Files.readAllBytes(dir.resolve("resources.json"))))).build();
    }

    private record Call(String output, ToolCallEnd end, Backend backend) {
    }

    private Call run(String callId, long memoryLimit, String... argv) {
        Iterator<RunToolCallEvent> events = stub.runToolCall(RunToolCallRequest.newBuilder().setSessionId("s1").setCallId(callId)
                .addAllArgv(List.of(argv)).setMemoryLimitBytes(memoryLimit).setTimeoutSeconds(60).build());
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ToolCallEnd end = null;
        Backend backend = Backend.BACKEND_UNSPECIFIED;
        while (events.hasNext()) {
            RunToolCallEvent e = events.next();
            backend = e.getBackend();
            if (e.hasEnd()) {
                end = e.getEnd();
            } else {
                output.writeBytes(e.getOutput().toByteArray());
            }
        }
        return new Call(output.toString(StandardCharsets.UTF_8), end, backend);
    }

    @ParameterizedTest
    @EnumSource(value = CgroupBackend.class, names = {"KERNEL", "EMULATED"})
    void toolCallsRunInTheirOwnGroupsAndEveryBadRequestIsNamed(CgroupBackend cgroups) throws Exception {
        restartOn(cgroups);
        List<io.keelson.agentcgroup.v1.SessionEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        AgentCgroupServiceGrpc.newStub(service.channel()).streamEvents(io.keelson.agentcgroup.v1.StreamEventsRequest.newBuilder()
                .setSessionId("s1").build(), new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(io.keelson.agentcgroup.v1.SessionEvent e) {
                        events.add(e);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        // the stream subscribes on the server's thread: what happens before that is not for it to see
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.subscribers(SessionEvents.TOPIC) > 0);
        CreateSessionRequest create = CreateSessionRequest.newBuilder().setSessionId("s1").setPriority(Priority.PRIORITY_HIGH)
                .addAllAllowedCommands(List.of("sh", "echo")).build();
        StatusRuntimeException refused = null;
        try {
            int weight = stub.createSession(create).getCpuWeight();
            assertThat(weight).isIn(0, 150); // 0 only on a host without a cpu controller
        } catch (StatusRuntimeException e) {
            refused = e;
        }
        if (refused != null) {
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(refused.getStatus().getDescription()).contains("sessions need cgroups");
            abort("no usable cgroup memory controller here: " + refused.getStatus().getDescription());
        }
        Call ok = run("c1", 0, "sh", "-c", "echo hello; cat /proc/self/cgroup | grep -c call-c1; exit 4");
        assertThat(ok.end().getExitCode()).isEqualTo(4);
        assertThat(ok.end().getVerdict()).isEqualTo("completed");
        if (cgroups == CgroupBackend.KERNEL) {
            assertThat(ok.output()).matches("hello\n[123]\n"); // in the call's group in each hierarchy (memory, cgroup2, cpu)
            assertThat(ok.backend()).isIn(Backend.BACKEND_CGROUP_V1, Backend.BACKEND_CGROUP_V2);
        } else {
            assertThat(ok.output()).startsWith("hello\n"); // the kernel knows nothing of the fake groups
            assertThat(ok.backend()).isEqualTo(Backend.BACKEND_CGROUP_FAKE);
        }

        Call oom = run("c2", 32L << 20, "sh", "-c", "a=$(head -c 100000000 /dev/zero | tr '\\000' x); echo ${#a}");
        assertThat(oom.end().getVerdict()).isEqualTo("out_of_memory");
        assertThat(oom.end().getExplanation()).contains("out of memory", "32 MiB");

        Iterator<RunToolCallEvent> hinted = stub.runToolCall(RunToolCallRequest.newBuilder().setSessionId("s1").setCallId("c6")
                .addAllArgv(List.of("sh", "-c", "a=$(head -c 100000000 /dev/zero | tr '\\000' x); echo ${#a}"))
                .setResourceHint("memory:48m").setTimeoutSeconds(60).build());
        ToolCallEnd hintedEnd = null;
        while (hinted.hasNext()) {
            RunToolCallEvent e = hinted.next();
            hintedEnd = e.hasEnd() ? e.getEnd() : hintedEnd;
        }
        assertThat(hintedEnd.getVerdict()).isEqualTo("out_of_memory");
        assertThat(hintedEnd.getExplanation()).contains("limit is 48 MiB");
        violation(() -> stub.runToolCall(RunToolCallRequest.newBuilder().setSessionId("s1").setCallId("c7").addArgv("sh")
                .setResourceHint("memory:lots").setTimeoutSeconds(5).build()).hasNext(), "resource_hint", "is not memory:low");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(events).extracting(e -> e.getKind() + " " + e.getCallId()).containsSubsequence(
                        // the stream subscribes asynchronously, so the session's opening may come before it listens
                        "EVENT_KIND_CALL_STARTED c1", "EVENT_KIND_CALL_ENDED c1", "EVENT_KIND_CALL_STARTED c2", "EVENT_KIND_CALL_ENDED c2"));
        assertThat(events).filteredOn(e -> e.getCallId().equals("c2") && e.getKind() == io.keelson.agentcgroup.v1.EventKind.EVENT_KIND_CALL_ENDED)
                .singleElement().satisfies(e -> assertThat(e.getDetail()).contains("out of memory"));

        assertThat(stub.setPolicy(io.keelson.agentcgroup.v1.SetPolicyRequest.newBuilder().setPolicy("none").build()).getPolicy()).isEqualTo("none");
        assertThat(stub.setPolicy(io.keelson.agentcgroup.v1.SetPolicyRequest.newBuilder().setPolicy("agentcgroup")
                .setMemoryBudgetBytes(2L << 30).build()).getMemoryBudgetBytes()).isEqualTo(2L << 30);
        var policy = io.keelson.agentcgroup.v1.SetPolicyRequest.newBuilder();
        assertThat(stub.setPolicy(policy.clone().setPolicy("static").setSessionLimitBytes(1L << 30).build()).getSettings())
                .isEqualTo("memory.max 1024 MiB per session");
        if (ok.backend() == Backend.BACKEND_CGROUP_V1) { // no memory.high on v1: refused, saying so
            assertThatThrownBy(() -> stub.setPolicy(policy.clone().setPolicy("senpai").build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(e.getStatus().getDescription()).contains("memory.high", "cgroup v1");
            });
        } else {
            assertThat(stub.setPolicy(policy.clone().setPolicy("kubernetes-memoryqos").setSessionLimitBytes(512L << 20)
                    .setSessionRequestBytes(32L << 20).setMemoryHighFactor(0.1).build()).getSettings())
                    .isEqualTo("memory.max 512 MiB, memory.high 80 MiB per session (request 32 MiB, factor 0.1)");
            assertThat(stub.setPolicy(policy.clone().setPolicy("oomd").setPressureSeconds(10).build()).getSettings())
                    .isEqualTo("kill a session whose memory pressure stays above 60 % for 10 s");
        }
        violation(() -> stub.setPolicy(policy.clone().setPolicy("bogus").build()), "policy", "one of");
        violation(() -> stub.setPolicy(policy.clone().setPolicy("none").setMemoryBudgetBytes(1).build()), "memory_budget_bytes", "at least 64 MiB");
        violation(() -> stub.setPolicy(policy.clone().setPolicy("static").build()), "session_limit_bytes", "static needs each session's limit");
        violation(() -> stub.setPolicy(policy.clone().setPolicy("oomd").setPressureLimit(1.5).build()), "pressure_limit", "in (0, 1)");
        violation(() -> stub.setPolicy(policy.clone().setPolicy("kubernetes-memoryqos").setSessionLimitBytes(64L << 20)
                .setSessionRequestBytes(128L << 20).build()), "session_request_bytes", "0..session_limit_bytes");

        var usage = stub.getSessionUsage(io.keelson.agentcgroup.v1.GetSessionUsageRequest.newBuilder().setSessionId("s1").build());
        assertThat(usage.getCallsFinished()).isEqualTo(3);
        assertThat(usage.getCallsRunning()).isZero();
        assertThat(usage.getOomKills()).isGreaterThanOrEqualTo(2);
        assertThat(usage.getPeakMemoryBytes()).isGreaterThanOrEqualTo(32L << 20);
        assertThat(usage.getRecentCallsList()).extracting(c -> c.getCallId()).containsExactly("c1", "c2", "c6");
        assertThat(usage.getRecentCalls(0).getEnd().getExitCode()).isEqualTo(4);
        var listed = stub.listSessions(io.keelson.agentcgroup.v1.ListSessionsRequest.getDefaultInstance());
        assertThat(listed.getSessionsList()).singleElement().satisfies(s -> {
            assertThat(s.getSessionId()).isEqualTo("s1");
            assertThat(s.getCallsFinished()).isEqualTo(3);
            assertThat(s.getRecentCallsList()).isEmpty();
        });
        assertThat(listed.getUnsupported()).isEmpty();
        assertThat(listed.getBackend()).isEqualTo(usage.getBackend());
        violation(() -> run("c3", 0, "rm", "-rf", "/"), "argv[0]", "'rm' is not allowed in this session");
        violation(() -> run("c3", 0, "/bin/sh", "-c", "true"), "argv[0]", "not a bare program name");
        violation(() -> run("c3", 1024, "sh", "-c", "true"), "memory_limit_bytes", "at least 16 MiB");
        violation(() -> run("BAD id", 0, "sh"), "call_id", "1-48 of a-z");
        violation(() -> stub.createSession(create.toBuilder().setSessionId("s2").addAllowedCommands("rm").build()), "allowed_commands",
                "'rm' is not allowed on this host");
        assertThatThrownBy(() -> stub.createSession(create)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
        stub.closeSession(CloseSessionRequest.newBuilder().setSessionId("s1").build());
        assertThat(stub.listSessions(io.keelson.agentcgroup.v1.ListSessionsRequest.getDefaultInstance()).getSessionsList()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(events).extracting(io.keelson.agentcgroup.v1.SessionEvent::getKind).contains(io.keelson.agentcgroup.v1.EventKind.EVENT_KIND_SESSION_CLOSED));
        assertThatThrownBy(() -> run("c5", 0, "sh", "-c", "true")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(Files.exists(home.resolve("sessions/s1"))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = CgroupBackend.class, names = {"KERNEL", "EMULATED"})
    void closingASessionEndsItsRunningCallsAndLeavesNoGroup(CgroupBackend cgroups) throws Exception {
        restartOn(cgroups);
        var opened = io.keelson.agentcgroup.v1.ListSessionsRequest.getDefaultInstance();
        Assumptions.assumeTrue(stub.listSessions(opened).getUnsupported().isEmpty(), "sessions need cgroups here");
        stub.createSession(CreateSessionRequest.newBuilder().setSessionId("busy").setPriority(Priority.PRIORITY_LOW).addAllowedCommands("sleep").build());
        var ended = new java.util.concurrent.CompletableFuture<io.keelson.agentcgroup.v1.ToolCallEnd>();
        AgentCgroupServiceGrpc.newStub(service.channel()).runToolCall(RunToolCallRequest.newBuilder().setSessionId("busy").setCallId("long")
                .addAllArgv(List.of("sleep", "120")).setTimeoutSeconds(300).build(), new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(io.keelson.agentcgroup.v1.RunToolCallEvent e) {
                        if (e.hasEnd()) {
                            ended.complete(e.getEnd());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> stub.listSessions(opened).getSessionsList().stream().anyMatch(u -> u.getCallsRunning() == 1));

        stub.closeSession(CloseSessionRequest.newBuilder().setSessionId("busy").build());

        var end = ended.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(end.getVerdict()).isEqualTo("session_closed");
        assertThat(end.getExplanation()).isEqualTo("killed because its session was closed while it ran");
        assertThat(stub.listSessions(opened).getSessionsList()).isEmpty();
        assertThat(Files.exists(home.resolve("sessions/busy"))).isFalse();
    }

    private static void violation(Runnable call, String field, String text) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            BadRequest bad = StatusProto.fromThrowable(e).getDetailsList().stream().filter(d -> d.is(BadRequest.class)).findFirst()
                    .map(d -> {
                        try {
                            return d.unpack(BadRequest.class);
                        } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                            throw new AssertionError(x);
                        }
                    }).orElseThrow();
            assertThat(bad.getFieldViolations(0).getField()).isEqualTo(field);
            assertThat(bad.getFieldViolations(0).getDescription()).contains(text);
        });
    }
}
