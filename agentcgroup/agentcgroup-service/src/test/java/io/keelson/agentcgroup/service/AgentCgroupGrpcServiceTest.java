package io.keelson.agentcgroup.service;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.AnalyzeTracesRequest;
import io.keelson.agentcgroup.v1.AnalyzeTracesResponse;
import io.keelson.agentcgroup.v1.TaskTraceUpload;
import io.keelson.common.v1.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(stub.simulate(request.addPolicies("senpai").build()).getPoliciesList()).extracting(p -> p.getPolicy())
                .containsExactly("senpai");
        assertThatThrownBy(() -> stub.simulate(io.keelson.agentcgroup.v1.SimulateRequest.newBuilder().setCapacityMb(0)
                .addPolicies("magic").addTenants(io.keelson.agentcgroup.v1.SimTenant.newBuilder()
                        .setTrace(TaskTraceUpload.newBuilder().setName("x").setResourcesJson(ByteString.copyFromUtf8("{}")))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription()).contains(
                        "capacity_mb: must be positive", "policies[0]: unknown policy 'magic'", "tenants[0].priority",
                        "tenants[0].trace.resources_json: no usable memory sample"));
    }

    private static io.keelson.agentcgroup.v1.SimTenant tenant(String name, Path dir, io.keelson.agentcgroup.v1.Priority priority)
            throws Exception {
        return io.keelson.agentcgroup.v1.SimTenant.newBuilder().setPriority(priority).setTrace(TaskTraceUpload.newBuilder()
                .setName(name).setResourcesJson(ByteString.copyFrom(Files.readAllBytes(dir.resolve("resources.json"))))).build();
    }
}
