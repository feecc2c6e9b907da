package io.keelson.controlplane.console;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.keelson.acrfence.v1.AcrFenceServiceGrpc;
import io.keelson.acrfence.v1.CheckpointRequest;
import io.keelson.acrfence.v1.InvokeToolRequest;
import io.keelson.acrfence.v1.OpenRunRequest;
import io.keelson.acrfence.v1.RestoreRequest;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.CloseSessionRequest;
import io.keelson.agentcgroup.v1.CreateSessionRequest;
import io.keelson.agentcgroup.v1.Priority;
import io.keelson.agentcgroup.v1.RunToolCallEvent;
import io.keelson.agentcgroup.v1.RunToolCallRequest;
import io.keelson.common.grpc.SingleResponse;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.auth.TokenRegistry;
import io.keelson.controlplane.ops.Platform;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.controlplane.v1.AuditEvent;
import io.keelson.controlplane.v1.ListAuditEventsRequest;
import io.keelson.gpuos.v1.GpuOsServiceGrpc;
import io.keelson.gpuos.v1.InstallOperatorRequest;
import io.keelson.schedcp.v1.CreateWorkloadRequest;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.keelson.sysom.agent.StepReports;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.xfault.ClusterSimulator;
import io.keelson.sysom.core.xfault.Fault;
import io.keelson.sysom.core.xfault.KernelProfile;
import io.keelson.sysom.core.xfault.Topology;
import io.keelson.sysom.v1.StepReport;
import io.keelson.sysom.v1.StreamEventsResponse;
import io.keelson.sysom.v1.SysomServiceGrpc;
import io.keelson.wio.v1.DeployActorRequest;
import io.keelson.wio.v1.Side;
import io.keelson.wio.v1.WioServiceGrpc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console in a real headless Chromium, driven by Playwright ({@code src/test/console/console-check.mjs}),
 * against the embedded platform with real data in every system: sign-in, each page, an operator's action that
 * works and is audited, the same action refused for a viewer, field-level form errors, no console errors.
 * {@code ./keelson test} installs Debian's chromium and playwright-core; without them this test is skipped, saying so.
 */
@QuarkusTest
class ConsoleBrowserTest {

    private static final Path SCRIPT_DIR = Path.of("src/test/console");
    private static final Path CHROMIUM = Path.of(Optional.ofNullable(System.getenv("KEELSON_CHROMIUM")).orElse("/usr/bin/chromium"));

    @Inject
    Platform platform;

    @TestHTTPResource("/")
    URL base;

    private TokenRegistry.IssuedToken token(Role role, String name) {
        return platform.tokens().create(name, role, Set.of(ApiToken.ALL_SYSTEMS), Optional.empty(), "test");
    }

    @Test
    void everyPageShowsTheSystemsRealDataAndRolesAndTheAuditLogHold() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + " (./keelson test installs Debian's chromium)");
        Assumptions.assumeTrue(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core")),
                "playwright-core is not installed in " + SCRIPT_DIR + " (./keelson test runs npm install there)");
        String admin = token(Role.ADMIN, "console-admin").bearer();
        TokenRegistry.IssuedToken operator = token(Role.OPERATOR, "console-operator");
        TokenRegistry.IssuedToken viewer = token(Role.VIEWER, "console-viewer");

        try (GatewayClient gateway = GatewayClient.connect(platform.gatewayPort())) {
            Channel as = gateway.as(admin);
            seed(as);
            Path shots = Path.of(Optional.ofNullable(System.getenv("KEELSON_SCREENSHOTS")).orElse("target/console-screenshots")).toAbsolutePath();
            ProcessBuilder node = new ProcessBuilder("node", "console-check.mjs", base.toString().replaceAll("/$", ""), shots.toString())
                    .directory(SCRIPT_DIR.toFile()).redirectErrorStream(true);
            node.environment().putAll(java.util.Map.of("KEELSON_ADMIN", admin, "KEELSON_OPERATOR", operator.bearer(), "KEELSON_VIEWER", viewer.bearer(),
                    "KEELSON_CHROMIUM", CHROMIUM.toString()));
            Process check = node.start();
            boolean finished = check.waitFor(5, TimeUnit.MINUTES);
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished) {
                check.destroyForcibly();
            }
            System.out.println(output);
            assertThat(finished).as("the browser check finished within 5 minutes:\n" + output).isTrue();
            assertThat(check.exitValue()).as(output).isZero();
            assertThat(output).contains("ok - no console errors");

            // The operator's move and the viewer's refused one, each in the audit log under its own token.
            List<AuditEvent> migrations = gateway.controlPlane(admin).listAuditEvents(ListAuditEventsRequest.newBuilder().setSystem("wio")
                    .setPageSize(200).build()).getEventsList().stream().filter(e -> e.getMethod().endsWith("/MigrateActor")).toList();
            assertThat(migrations).anySatisfy(e -> {
                assertThat(e.getPrincipal()).isEqualTo(operator.token().id());
                assertThat(e.getStatusCode()).isEqualTo("OK");
            });
            assertThat(migrations).anySatisfy(e -> {
                assertThat(e.getPrincipal()).isEqualTo(viewer.token().id());
                assertThat(e.getStatusCode()).isEqualTo("PERMISSION_DENIED");
            });
            AgentCgroupServiceGrpc.newBlockingStub(as).closeSession(CloseSessionRequest.newBuilder().setSessionId("console-s").build());
        }
    }

    /** Real data in every system, made through the gateway as an admin would. */
    private static void seed(Channel as) throws Exception {
        WioServiceGrpc.newBlockingStub(as).deployActor(DeployActorRequest.newBuilder().setName("console-crc").setBundled("crc32c")
                .setSide(Side.SIDE_HOST).build());

        var gpuos = GpuOsServiceGrpc.newBlockingStub(as);
        gpuos.installOperator(InstallOperatorRequest.newBuilder().setName("console_add").setArity(2).setExpression("(add x0 x1)").build());
        gpuos.installOperator(InstallOperatorRequest.newBuilder().setName("console_add").setArity(2).setExpression("(mul x0 x1)")
                .setStageOnly(true).build());

        var fence = AcrFenceServiceGrpc.newBlockingStub(as);
        String root = fence.openRun(OpenRunRequest.newBuilder().setRunId("console-run").build()).getBranch().getBranchId();
        String checkpoint = fence.checkpoint(CheckpointRequest.newBuilder().setRunId("console-run").setBranchId(root).build()).getCheckpointId();
        String pay = "{\"to\":\"acme\",\"amount\":500,\"reference\":\"console\"}";
        fence.invokeTool(InvokeToolRequest.newBuilder().setRunId("console-run").setBranchId(root).setTool("transfer").setArgumentsJson(pay).build());
        String restored = fence.restore(RestoreRequest.newBuilder().setRunId("console-run").setCheckpointId(checkpoint).build()).getBranch().getBranchId();
        fence.invokeTool(InvokeToolRequest.newBuilder().setRunId("console-run").setBranchId(restored).setTool("transfer").setArgumentsJson(pay).build());

        Topology topology = new Topology(2, 2, 2);
        ClusterSimulator cluster = new ClusterSimulator(ClusterSimulator.Config.of(topology, KernelProfile.bundled(), 3),
                List.of(new Fault.GpuStraggler(5, 0.3, 2)));
        SingleResponse<StreamEventsResponse> accepted = new SingleResponse<>();
        var reports = SysomServiceGrpc.newStub(as).streamEvents(accepted);
        for (int s = 0; s < 10; s++) {
            for (RankStep step : cluster.step()) {
                StepReport report = StepReports.of("llm-console", topology.ranks(), step);
                reports.onNext(report);
            }
        }
        reports.onCompleted();
        assertThat(accepted.get(30).getAccepted()).isEqualTo(10L * topology.ranks());

        SchedCpServiceGrpc.newBlockingStub(as).createWorkload(CreateWorkloadRequest.newBuilder().setDescription("console-workload").build());

        var cgroups = AgentCgroupServiceGrpc.newBlockingStub(as);
        cgroups.createSession(CreateSessionRequest.newBuilder().setSessionId("console-s").setPriority(Priority.PRIORITY_HIGH)
                .addAllowedCommands("sleep").addAllowedCommands("echo").build());
        // A tool call still running while the pages are looked at; closing the session at the end ends it.
        AgentCgroupServiceGrpc.newStub(as).runToolCall(RunToolCallRequest.newBuilder().setSessionId("console-s").setCallId("sleep-1")
                .addAllArgv(List.of("sleep", "120")).setTimeoutSeconds(300).build(), new StreamObserver<RunToolCallEvent>() {
                    @Override
                    public void onNext(RunToolCallEvent value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
    }
}
