package io.keelson.controlplane.gateway;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.keelson.common.v1.ErrorReason;
import io.keelson.common.v1.Role;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.ops.Platform;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.controlplane.v1.AuditEvent;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.controlplane.v1.CreateApiTokenRequest;
import io.keelson.controlplane.v1.CreateApiTokenResponse;
import io.keelson.controlplane.v1.Decision;
import io.keelson.controlplane.v1.DeploymentMode;
import io.keelson.controlplane.v1.GetSystemHealthRequest;
import io.keelson.controlplane.v1.ListAuditEventsRequest;
import io.keelson.controlplane.v1.ListSystemsRequest;
import io.keelson.controlplane.v1.RevokeApiTokenRequest;
import io.keelson.controlplane.v1.ServingState;
import io.keelson.controlplane.v1.SystemInfo;
import io.keelson.controlplane.v1.WhoAmIRequest;
import io.keelson.echo.v1.EchoRequest;
import io.keelson.echo.v1.EchoResponse;
import io.keelson.echo.v1.EchoServiceGrpc;
import io.keelson.echo.v1.SetGreetingRequest;
import io.keelson.echo.v1.StreamEchoRequest;
import io.keelson.common.v1.Backend;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.AnalyzeTracesRequest;
import io.keelson.agentcgroup.v1.TaskTraceUpload;
import io.keelson.gpuos.v1.CreateTensorRequest;
import io.keelson.gpuos.v1.DType;
import io.keelson.gpuos.v1.FreeTensorRequest;
import io.keelson.gpuos.v1.GpuOsServiceGrpc;
import io.keelson.gpuos.v1.InstallOperatorRequest;
import io.keelson.gpuos.v1.ListDevicesRequest;
import io.keelson.gpuos.v1.ListDevicesResponse;
import io.keelson.gpuos.v1.Operand;
import io.keelson.gpuos.v1.ReadTensorRequest;
import io.keelson.gpuos.v1.SubmitRequest;
import io.keelson.gpuos.v1.SubmitResponse;
import io.keelson.gpuos.v1.TaskState;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The gateway's contract, exercised through real gRPC over its network port. One subclass runs it
 * with the echo system embedded, one with echo in a separate JVM (cluster mode): routing, auth and
 * audit must behave the same.
 */
abstract class GatewayTestBase {

    @Inject
    Platform platform;

    @TestHTTPResource("/q/metrics")
    URI metrics;

    @TestHTTPResource("/q/health/ready")
    URI readiness;

    @TestHTTPResource("/q/health/group/systems")
    URI systemsHealth;

    GatewayClient client;
    String admin;
    String operator;
    String viewer;

    /** How the echo and gpuos systems are deployed in this mode. */
    abstract DeploymentMode expectedEchoMode();

    @BeforeEach
    void connect() {
        client = GatewayClient.connect(platform.gatewayPort());
        admin = issue(io.keelson.controlplane.auth.Role.ADMIN, ApiToken.ALL_SYSTEMS);
        operator = issue(io.keelson.controlplane.auth.Role.OPERATOR, ApiToken.ALL_SYSTEMS);
        viewer = issue(io.keelson.controlplane.auth.Role.VIEWER, ApiToken.ALL_SYSTEMS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        client.close();
    }

    @Test
    void callsWithoutAValidTokenAreUnauthenticated() {
        StatusRuntimeException none = expectStatus(() -> echo(null).echo(EchoRequest.newBuilder().setMessage("hi").build()),
                Status.Code.UNAUTHENTICATED);
        StatusRuntimeException bad = expectStatus(() -> controlPlane("kt_garbage").listSystems(ListSystemsRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED);

        assertThat(reason(none)).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_MISSING.name());
        assertThat(reason(bad)).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_INVALID.name());
    }

    @Test
    void aViewerCannotCallMutatingMethods() {
        StatusRuntimeException onSystem = expectStatus(() -> echo(viewer).setGreeting(SetGreetingRequest.newBuilder().setGreeting("x").build()),
                Status.Code.PERMISSION_DENIED);
        StatusRuntimeException onControlPlane = expectStatus(() -> controlPlane(viewer).createApiToken(CreateApiTokenRequest.newBuilder()
                .setName("sneaky").setRole(Role.ROLE_ADMIN).addScopes("*").build()), Status.Code.PERMISSION_DENIED);

        assertThat(reason(onSystem)).isEqualTo(ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT.name());
        assertThat(reason(onControlPlane)).isEqualTo(ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT.name());
        assertThat(echo(operator).setGreeting(SetGreetingRequest.newBuilder().setGreeting("").build())).isNotNull();
        assertThat(echo(viewer).echo(EchoRequest.newBuilder().setMessage("read is fine").build()).getMessage()).isEqualTo("read is fine");
    }

    @Test
    void scopesKeepATokenToItsSystems() {
        String gpuosOnly = issue(io.keelson.controlplane.auth.Role.OPERATOR, "gpuos");

        StatusRuntimeException e = expectStatus(() -> echo(gpuosOnly).echo(EchoRequest.newBuilder().setMessage("x").build()),
                Status.Code.PERMISSION_DENIED);

        assertThat(reason(e)).isEqualTo(ErrorReason.ERROR_REASON_SCOPE_MISSING.name());
        assertThat(controlPlane(gpuosOnly).whoAmI(WhoAmIRequest.getDefaultInstance()).getToken().getScopesList()).containsExactly("gpuos");
    }

    @Test
    void aRevokedTokenIsRefusedOnItsNextCall() {
        CreateApiTokenResponse created = controlPlane(admin).createApiToken(CreateApiTokenRequest.newBuilder()
                .setName("short-lived").setRole(Role.ROLE_VIEWER).addScopes("echo").build());
        assertThat(created.getSecret()).startsWith("kt_" + created.getToken().getId() + "_");
        assertThat(echo(created.getSecret()).echo(EchoRequest.newBuilder().setMessage("before").build()).getMessage()).isEqualTo("before");

        controlPlane(admin).revokeApiToken(RevokeApiTokenRequest.newBuilder().setId(created.getToken().getId()).build());

        StatusRuntimeException e = expectStatus(() -> echo(created.getSecret()).echo(EchoRequest.newBuilder().setMessage("after").build()),
                Status.Code.UNAUTHENTICATED);
        assertThat(reason(e)).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_REVOKED.name());
    }

    @Test
    void everyCallAllowedOrDeniedIsAudited() {
        String auditee = issue(io.keelson.controlplane.auth.Role.VIEWER, "echo");
        String auditeeId = auditee.substring(3, 19);
        echo(auditee).echo(EchoRequest.newBuilder().setMessage("allowed").build());
        expectStatus(() -> echo(auditee).setGreeting(SetGreetingRequest.newBuilder().setGreeting("no").build()), Status.Code.PERMISSION_DENIED);
        expectStatus(() -> echo(null).echo(EchoRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED);
        assertThat(platform.auditTrail().awaitWritten(Duration.ofSeconds(10))).isTrue();

        List<AuditEvent> events = controlPlane(admin).listAuditEvents(ListAuditEventsRequest.newBuilder()
                .setPrincipal(auditeeId).build()).getEventsList();
        List<AuditEvent> anonymous = controlPlane(admin).listAuditEvents(ListAuditEventsRequest.newBuilder()
                .setPrincipal("anonymous").setSystem("echo").setPageSize(1).build()).getEventsList();

        assertThat(events).extracting(AuditEvent::getMethod, AuditEvent::getDecision, AuditEvent::getStatusCode).containsExactly(
                org.assertj.core.groups.Tuple.tuple("keelson.echo.v1.EchoService/SetGreeting", Decision.DECISION_DENIED, "PERMISSION_DENIED"),
                org.assertj.core.groups.Tuple.tuple("keelson.echo.v1.EchoService/Echo", Decision.DECISION_ALLOWED, "OK"));
        assertThat(events.get(0).getDetail()).contains("role viewer");
        assertThat(events).allSatisfy(e -> assertThat(e.getSystem()).isEqualTo("echo"));
        assertThat(anonymous).singleElement().satisfies(e -> {
            assertThat(e.getDecision()).isEqualTo(Decision.DECISION_DENIED);
            assertThat(e.getStatusCode()).isEqualTo("UNAUTHENTICATED");
            assertThat(e.getMethod()).isEqualTo("keelson.echo.v1.EchoService/Echo");
        });
    }

    @Test
    void theGatewayRoutesUnaryAndStreamingCallsAndForwardsTheCallerNotTheToken() {
        EchoResponse reply = echo(viewer).echo(EchoRequest.newBuilder().setMessage("ping")
                .setPayload(com.google.protobuf.ByteString.copyFromUtf8("payload")).build());
        Iterator<EchoResponse> stream = echo(viewer).streamEcho(StreamEchoRequest.newBuilder().setMessage("s").setCount(500).build());
        List<Integer> indexes = new ArrayList<>();
        stream.forEachRemaining(r -> indexes.add(r.getIndex()));

        assertThat(reply.getMessage()).isEqualTo("ping");
        assertThat(reply.getPayload().toStringUtf8()).isEqualTo("payload");
        assertThat(reply.getPrincipal()).isEqualTo(viewer.substring(3, 19));
        assertThat(indexes).hasSize(500).isSorted().startsWith(0).endsWith(499);
    }

    @Test
    void aSystemsOwnErrorsReachTheCallerWithTheirDetails() {
        StatusRuntimeException e = expectStatus(() -> echo(viewer).streamEcho(StreamEchoRequest.newBuilder().setCount(0).build()).next(),
                Status.Code.INVALID_ARGUMENT);

        assertThat(violations(e)).extracting(BadRequest.FieldViolation::getField).containsExactly("count");
    }

    @Test
    void malformedControlPlaneRequestsListEveryBadField() {
        StatusRuntimeException create = expectStatus(() -> controlPlane(admin).createApiToken(CreateApiTokenRequest.newBuilder()
                .setName("").addScopes("echo").addScopes("nope").build()), Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException list = expectStatus(() -> controlPlane(admin).listAuditEvents(ListAuditEventsRequest.newBuilder()
                .setPageSize(-1).setPageToken("garbage!").build()), Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException revoke = expectStatus(() -> controlPlane(admin).revokeApiToken(RevokeApiTokenRequest.newBuilder()
                .setId("../../etc").build()), Status.Code.INVALID_ARGUMENT);

        assertThat(violations(create)).extracting(BadRequest.FieldViolation::getField).containsExactly("name", "role", "scopes[1]");
        assertThat(violations(list)).extracting(BadRequest.FieldViolation::getField).containsExactly("page_size", "page_token");
        assertThat(violations(revoke)).extracting(BadRequest.FieldViolation::getField).containsExactly("id");
        assertThat(reason(create)).isEqualTo(ErrorReason.ERROR_REASON_INVALID_ARGUMENT.name());
    }

    @Test
    void anUndeclaredMethodOfADeployedSystemIsUnimplementedAndMadeUpNamesStayOutOfMetrics() throws Exception {
        StatusRuntimeException e = expectStatus(() -> callRaw(viewer, "keelson.echo.v1.EchoService/MadeUp7731"),
                Status.Code.UNIMPLEMENTED);

        assertThat(e.getStatus().getDescription()).contains("system echo has no method keelson.echo.v1.EchoService/MadeUp7731");
        assertThat(get(metrics).body()).doesNotContain("MadeUp7731").contains("method=\"undeclared\"");
    }

    @Test
    void systemsAndTheirHealthAreListed() {
        List<SystemInfo> systems = controlPlane(viewer).listSystems(ListSystemsRequest.getDefaultInstance()).getSystemsList();
        var health = controlPlane(viewer).getSystemHealth(GetSystemHealthRequest.newBuilder().setSystem("echo").build());
        var gpuos = controlPlane(viewer).getSystemHealth(GetSystemHealthRequest.newBuilder().setSystem("gpuos").build());
        var wio = controlPlane(viewer).getSystemHealth(GetSystemHealthRequest.newBuilder().setSystem("wio").build());

        assertThat(systems).extracting(SystemInfo::getName)
                .containsExactly("gpuos", "agentcgroup", "acrfence", "sysom", "schedcp", "wio", "echo");
        assertThat(systems.get(6).getMode()).isEqualTo(expectedEchoMode());
        assertThat(systems.get(6).getServicesList()).containsExactly("keelson.echo.v1.EchoService");
        assertThat(health.getState()).isEqualTo(ServingState.SERVING_STATE_SERVING);
        assertThat(gpuos.getState()).isEqualTo(ServingState.SERVING_STATE_SERVING);
        assertThat(systems.get(0).getMode()).isEqualTo(expectedEchoMode());
        assertThat(systems.get(0).getServicesList()).containsExactly("keelson.gpuos.v1.GpuOsService");
        assertThat(wio.getState()).isEqualTo(ServingState.SERVING_STATE_SERVING);
        expectStatus(() -> controlPlane(viewer).getSystemHealth(GetSystemHealthRequest.newBuilder().setSystem("nope").build()),
                Status.Code.NOT_FOUND);
    }

    @Test
    void reflectionDescribesTheControlPlaneAndEveryRoutedSystem() throws Exception {
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(authed(viewer))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        services.complete(r.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());

        assertThat(services.get(10, TimeUnit.SECONDS))
                .contains("keelson.controlplane.v1.ControlPlaneService", "keelson.echo.v1.EchoService", "keelson.gpuos.v1.GpuOsService",
                        "keelson.agentcgroup.v1.AgentCgroupService", "keelson.acrfence.v1.AcrFenceService", "keelson.sysom.v1.SysomService",
                        "grpc.health.v1.Health");
        requests.onCompleted();
    }

    @Test
    void whoAmINamesTheCaller() {
        var me = controlPlane(operator).whoAmI(WhoAmIRequest.getDefaultInstance()).getToken();

        assertThat(me.getId()).isEqualTo(operator.substring(3, 19));
        assertThat(me.getRole()).isEqualTo(Role.ROLE_OPERATOR);
    }

    @Test
    void metricsCountCallsBySystemMethodAndCode() throws Exception {
        expectStatus(() -> echo(viewer).setGreeting(SetGreetingRequest.newBuilder().setGreeting("x").build()), Status.Code.PERMISSION_DENIED);
        echo(viewer).echo(EchoRequest.newBuilder().setMessage("m").build());

        String body = get(metrics).body();

        assertThat(body).containsPattern("keelson_gateway_calls_seconds_count\\{[^}]*code=\"PERMISSION_DENIED\"[^}]*method=\"keelson.echo.v1.EchoService/SetGreeting\"[^}]*system=\"echo\"");
        assertThat(body).containsPattern("keelson_gateway_calls_seconds_bucket\\{[^}]*code=\"OK\"[^}]*method=\"keelson.echo.v1.EchoService/Echo\"");
    }

    @Test
    void systemsHealthReportsEveryRoutedSystemAndReadinessTheStateStore() throws Exception {
        HttpResponse<String> systems = get(systemsHealth);

        assertThat(systems.statusCode()).isEqualTo(200);
        assertThat(systems.body()).contains("\"echo\": \"serving").contains("\"gpuos\": \"serving").contains("\"wio\": \"serving");
        HttpResponse<String> ready = get(readiness);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"name\": \"state\"").doesNotContain("\"echo\": \"serving");
    }

    // ---- helpers ----

    /** Calls a method by name with an empty message, whether or not any contract declares it. */
    private byte[] callRaw(String bearer, String fullMethodName) {
        return callRaw(authed(bearer), fullMethodName);
    }

    static byte[] callRaw(Channel channel, String fullMethodName) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder(ByteMarshaller.INSTANCE, ByteMarshaller.INSTANCE)
                .setFullMethodName(fullMethodName)
                .setType(MethodDescriptor.MethodType.UNARY)
                .build();
        return ClientCalls.blockingUnaryCall(channel, method, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[0]);
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    String issue(io.keelson.controlplane.auth.Role role, String scope) {
        return platform.tokens().create("test-" + role.wireName(), role, Set.of(scope), Optional.empty(), "test").bearer();
    }

    Channel authed(String bearer) {
        return client.as(bearer);
    }

    @Test
    void gpuosIsServedThroughTheGatewayWithRolesEnforced() {
        GpuOsServiceGrpc.GpuOsServiceBlockingStub asViewer = GpuOsServiceGrpc.newBlockingStub(client.as(viewer));
        GpuOsServiceGrpc.GpuOsServiceBlockingStub asOperator = GpuOsServiceGrpc.newBlockingStub(client.as(operator));
        ListDevicesResponse devices = asViewer.listDevices(ListDevicesRequest.getDefaultInstance());
        assertThat(devices.getBackend()).isEqualTo(Backend.BACKEND_CPU_EMULATED);
        assertThat(devices.getCudaProbe()).isNotEmpty();
        StatusRuntimeException denied = expectStatus(() -> asViewer.installOperator(InstallOperatorRequest.newBuilder()
                .setName("scale").setArity(1).setExpression("(mul x0 2)").build()), Status.Code.PERMISSION_DENIED);
        assertThat(reason(denied)).isEqualTo(ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT.name());

        String name = "scale_" + Long.toHexString(System.nanoTime()); // the platform outlives one test
        asOperator.installOperator(InstallOperatorRequest.newBuilder().setName(name).setArity(1).setExpression("(mul x0 2)").build());
        long x = asOperator.createTensor(CreateTensorRequest.newBuilder().setDtype(DType.DTYPE_F32).addShape(3)
                .addValues(1).addValues(2).addValues(3).build()).getTensor().getHandle();
        Operand dense = Operand.newBuilder().setHandle(x).setDtype(DType.DTYPE_F32).addStrides(1).build();
        SubmitResponse done = asOperator.submit(SubmitRequest.newBuilder().setWait(true).addLaunches(
                io.keelson.gpuos.v1.Launch.newBuilder().setOperator(name).addShape(3).addInputs(dense).setOutput(dense)).build());
        assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_DONE);
        assertThat(done.getBackend()).isEqualTo(Backend.BACKEND_CPU_EMULATED);
        assertThat(asViewer.readTensor(ReadTensorRequest.newBuilder().setHandle(x).setCount(3).build()).getValuesList())
                .containsExactly(2f, 4f, 6f);
        StatusRuntimeException bad = expectStatus(() -> asOperator.installOperator(InstallOperatorRequest.newBuilder()
                .setName(name).setArity(1).setExpression("(mul x0").build()), Status.Code.INVALID_ARGUMENT);
        assertThat(bad.getStatus().getDescription()).contains("expression: at character 7");
        asOperator.freeTensor(FreeTensorRequest.newBuilder().setHandle(x).build());
    }

    @Test
    void agentcgroupAnalysesTracesForAViewer() {
        var response = AgentCgroupServiceGrpc.newBlockingStub(client.as(viewer)).analyzeTraces(AnalyzeTracesRequest.newBuilder()
                .addTasks(TaskTraceUpload.newBuilder().setName("t").setResourcesJson(com.google.protobuf.ByteString.copyFromUtf8(
                        "{\"samples\":[{\"epoch\":1,\"mem_usage\":\"100MB / 1GB\"},{\"epoch\":2,\"mem_usage\":\"300MB / 1GB\"}]}")))
                .build());
        assertThat(response.getTasks(0).getPeakBytes()).isEqualTo(300_000_000L);
        assertThat(response.getBackend()).isEqualTo(Backend.BACKEND_OFFLINE_ANALYSIS);
    }

    @Test
    void acrfenceFencesAReplayThroughTheGatewayAndForksNeedAnAdmin() {
        var asOperator = io.keelson.acrfence.v1.AcrFenceServiceGrpc.newBlockingStub(client.as(operator));
        String run = "gw-" + System.nanoTime();
        expectStatus(() -> io.keelson.acrfence.v1.AcrFenceServiceGrpc.newBlockingStub(client.as(viewer)).openRun(
                io.keelson.acrfence.v1.OpenRunRequest.newBuilder().setRunId(run).build()), Status.Code.PERMISSION_DENIED);
        String branch = asOperator.openRun(io.keelson.acrfence.v1.OpenRunRequest.newBuilder().setRunId(run).build()).getBranch().getBranchId();
        String cp = asOperator.checkpoint(io.keelson.acrfence.v1.CheckpointRequest.newBuilder().setRunId(run).setBranchId(branch).build()).getCheckpointId();
        var call = io.keelson.acrfence.v1.InvokeToolRequest.newBuilder().setRunId(run).setTool("transfer")
                .setArgumentsJson("{\"to\":\"acme\",\"amount\":5,\"reference\":\"r1\"}");
        var first = asOperator.invokeTool(call.setBranchId(branch).build());
        String restored = asOperator.restore(io.keelson.acrfence.v1.RestoreRequest.newBuilder().setRunId(run).setCheckpointId(cp).build())
                .getBranch().getBranchId();
        var again = asOperator.invokeTool(call.setBranchId(restored).setArgumentsJson("{\"to\":\"acme\",\"amount\":5,\"reference\":\"r2\"}").build());
        assertThat(again.getDecision()).isEqualTo(io.keelson.acrfence.v1.Decision.DECISION_REPLAYED);
        assertThat(again.getEffectId()).isEqualTo(first.getEffectId());
        assertThat(again.getBackend()).isEqualTo(Backend.BACKEND_EMBEDDED_STORE);
        var fork = io.keelson.acrfence.v1.ForkRequest.newBuilder().setRunId(run).setBranchId(restored).setReason("r").setApprovedBy("a").build();
        expectStatus(() -> asOperator.fork(fork), Status.Code.PERMISSION_DENIED);
        assertThat(io.keelson.acrfence.v1.AcrFenceServiceGrpc.newBlockingStub(client.as(admin)).fork(fork).getBranch().getKind()).isEqualTo("fork");
    }

    @Test
    void sysomTakesStepReportsFromAnOperatorAndDiagnosesForAViewer() throws Exception {
        String job = "gw-" + System.nanoTime();
        var report = io.keelson.sysom.v1.StepReport.newBuilder().setJob(job).setWorldSize(1).setRank(0).setStep(0).setStartMicros(0)
                .setEndMicros(100).build();
        var reply = new io.keelson.common.grpc.SingleResponse<io.keelson.sysom.v1.StreamEventsResponse>();
        var in = io.keelson.sysom.v1.SysomServiceGrpc.newStub(client.as(operator)).streamEvents(reply);
        in.onNext(report);
        in.onCompleted();
        assertThat(reply.get(10).getAccepted()).isEqualTo(1);
        var asViewer = io.keelson.sysom.v1.SysomServiceGrpc.newBlockingStub(client.as(viewer));
        var diagnosis = asViewer.diagnose(io.keelson.sysom.v1.DiagnoseRequest.newBuilder().setJob(job).build());
        assertThat(diagnosis.getFindingsList()).isEmpty();
        assertThat(diagnosis.getBackend()).isEqualTo(Backend.BACKEND_OFFLINE_ANALYSIS);
        expectStatus(() -> asViewer.runFaultBenchmark(io.keelson.sysom.v1.RunFaultBenchmarkRequest.newBuilder().setDp(8).setTp(1).setPp(1)
                .setSeeds(1).build()), Status.Code.PERMISSION_DENIED);
    }

    @Test
    void schedcpSimulatesForAViewerAndRunsSchedulersOnlyForAnOperator() {
        var asViewer = io.keelson.schedcp.v1.SchedCpServiceGrpc.newBlockingStub(client.as(viewer));
        assertThat(asViewer.listSchedulers(io.keelson.schedcp.v1.ListSchedulersRequest.newBuilder().setProductionReady(true).build())
                .getSchedulersCount()).isEqualTo(10);
        var simulated = asViewer.simulate(io.keelson.schedcp.v1.SimulateRequest.newBuilder().setBuiltin("ljf").setWorkload("batch").build());
        assertThat(simulated.getBackend()).isEqualTo(Backend.BACKEND_SCHED_SIMULATED);
        var run = io.keelson.schedcp.v1.RunSchedulerRequest.newBuilder().setName("scx_simple").build();
        expectStatus(() -> asViewer.runScheduler(run), Status.Code.PERMISSION_DENIED);
        // an operator may run one, but no scx binary is installed on this host: refused, nothing started
        StatusRuntimeException missing = expectStatus(() -> io.keelson.schedcp.v1.SchedCpServiceGrpc.newBlockingStub(client.as(operator)).runScheduler(run),
                Status.Code.FAILED_PRECONDITION);
        assertThat(missing.getStatus().getDescription()).contains("not installed");
    }

    @Test
    void wioDeploysAndMovesActorsForAnOperatorAndShowsThemToAViewer() {
        var asViewer = io.keelson.wio.v1.WioServiceGrpc.newBlockingStub(client.as(viewer));
        var asOperator = io.keelson.wio.v1.WioServiceGrpc.newBlockingStub(client.as(operator));
        var deploy = io.keelson.wio.v1.DeployActorRequest.newBuilder().setName("gw-crc").setBundled("crc32c").build();
        expectStatus(() -> asViewer.deployActor(deploy), Status.Code.PERMISSION_DENIED);
        var deployed = asOperator.deployActor(deploy);
        assertThat(deployed.getSide()).isEqualTo(io.keelson.wio.v1.Side.SIDE_DEVICE);
        assertThat(deployed.getBackend()).isEqualTo(Backend.BACKEND_CXL_EMULATED);
        var move = io.keelson.wio.v1.MigrateActorRequest.newBuilder().setName("gw-crc").setTo(io.keelson.wio.v1.Side.SIDE_HOST).build();
        expectStatus(() -> asViewer.migrateActor(move), Status.Code.PERMISSION_DENIED);
        assertThat(asOperator.migrateActor(move).getBytesMoved()).isEqualTo(24);
        assertThat(asViewer.listActors(io.keelson.wio.v1.ListActorsRequest.getDefaultInstance()).getActorsList())
                .filteredOn(a -> a.getName().equals("gw-crc")).singleElement()
                .satisfies(a -> assertThat(a.getSide()).isEqualTo(io.keelson.wio.v1.Side.SIDE_HOST));
        assertThat(asViewer.streamDeviceTelemetry(io.keelson.wio.v1.StreamDeviceTelemetryRequest.newBuilder().setIntervalMs(100).setSamples(1)
                .build()).next().getBackend()).isEqualTo(Backend.BACKEND_CXL_EMULATED);
    }

    EchoServiceGrpc.EchoServiceBlockingStub echo(String bearer) {
        return client.echo(bearer);
    }

    ControlPlaneServiceGrpc.ControlPlaneServiceBlockingStub controlPlane(String bearer) {
        return client.controlPlane(bearer);
    }

    static StatusRuntimeException expectStatus(ThrowingCallable call, Status.Code code) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(e).as("expected %s", code).isNotNull();
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
        return e;
    }

    static String reason(StatusRuntimeException e) {
        return details(e, ErrorInfo.class).map(ErrorInfo::getReason).orElse("");
    }

    static List<BadRequest.FieldViolation> violations(StatusRuntimeException e) {
        return details(e, BadRequest.class).map(BadRequest::getFieldViolationsList).orElse(List.of());
    }

    private static <T extends com.google.protobuf.Message> Optional<T> details(StatusRuntimeException e, Class<T> type) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return Optional.empty();
        }
        for (Any any : status.getDetailsList()) {
            if (any.is(type)) {
                try {
                    return Optional.of(any.unpack(type));
                } catch (InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        return Optional.empty();
    }

    enum ByteMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public java.io.InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
