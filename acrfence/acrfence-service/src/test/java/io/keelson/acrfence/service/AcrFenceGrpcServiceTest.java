package io.keelson.acrfence.service;

import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.keelson.acrfence.v1.AcrFenceServiceGrpc;
import io.keelson.acrfence.v1.CheckpointRequest;
import io.keelson.acrfence.v1.Decision;
import io.keelson.acrfence.v1.ForkRequest;
import io.keelson.acrfence.v1.GetDecisionRequest;
import io.keelson.acrfence.v1.InvokeToolRequest;
import io.keelson.acrfence.v1.InvokeToolResponse;
import io.keelson.acrfence.v1.ListEffectsRequest;
import io.keelson.acrfence.v1.ListEffectsResponse;
import io.keelson.acrfence.v1.ListToolsRequest;
import io.keelson.acrfence.v1.OpenRunRequest;
import io.keelson.acrfence.v1.RestoreRequest;
import io.keelson.acrfence.v1.VerifyChainRequest;
import io.keelson.common.v1.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AcrFenceGrpcServiceTest {

    @TempDir
    Path home;
    private AcrFenceSystem system;
    private Server server;
    private ManagedChannel channel;
    private AcrFenceServiceGrpc.AcrFenceServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        system = AcrFenceSystem.start(home);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(system.service()).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        stub = AcrFenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        system.close();
    }

    private InvokeToolResponse transfer(String branch, String to, String reference) {
        return stub.invokeTool(InvokeToolRequest.newBuilder().setRunId("r1").setBranchId(branch).setTool("transfer")
                .setArgumentsJson("{\"to\":\"" + to + "\",\"amount\":500,\"reference\":\"" + reference + "\"}").build());
    }

    private static void violation(Runnable call, String field, String text) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            com.google.rpc.Status details = StatusProto.fromThrowable(e);
            BadRequest bad = details.getDetailsList().stream().filter(a -> a.is(BadRequest.class)).map(a -> {
                try {
                    return a.unpack(BadRequest.class);
                } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                    throw new AssertionError(x);
                }
            }).findFirst().orElseThrow();
            assertThat(bad.getFieldViolationsList()).anySatisfy(v -> {
                assertThat(v.getField()).isEqualTo(field);
                assertThat(v.getDescription()).contains(text);
            });
        });
    }

    @Test
    void aReplayAfterRestoreThroughGrpcAndEveryBadRequestNamed() {
        assertThat(stub.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).anySatisfy(t -> {
            assertThat(t.getName()).isEqualTo("transfer");
            assertThat(t.getReconcilable()).isTrue();
            assertThat(t.getArgumentsList()).anySatisfy(a -> {
                assertThat(a.getName()).isEqualTo("reference");
                assertThat(a.getVolatile()).isTrue();
            });
        });
        var opened = stub.openRun(OpenRunRequest.newBuilder().setRunId("r1").build());
        assertThat(opened.getBackend()).isEqualTo(Backend.BACKEND_EMBEDDED_STORE);
        String b1 = opened.getBranch().getBranchId();
        String cp = stub.checkpoint(CheckpointRequest.newBuilder().setRunId("r1").setBranchId(b1).build()).getCheckpointId();
        InvokeToolResponse first = transfer(b1, "acme", "a1");
        assertThat(first.getDecision()).isEqualTo(Decision.DECISION_EXECUTED);
        var restored = stub.restore(RestoreRequest.newBuilder().setRunId("r1").setCheckpointId(cp).build()).getBranch();
        assertThat(restored.getEpoch()).isEqualTo(2);
        assertThat(restored.getShadowEffectsList()).containsExactly(first.getEffectId());
        InvokeToolResponse blocked = transfer(restored.getBranchId(), "mallory", "c3");
        assertThat(blocked.getDecision()).isEqualTo(Decision.DECISION_BLOCKED);
        assertThat(blocked.getPriorEffectsList()).containsExactly(first.getEffectId());
        InvokeToolResponse again = transfer(restored.getBranchId(), "acme", "b2");
        assertThat(again.getDecision()).isEqualTo(Decision.DECISION_REPLAYED);
        assertThat(again.getEffectId()).isEqualTo(first.getEffectId());
        assertThat(again.getResultJson()).isEqualTo(first.getResultJson());
        assertThat(stub.getDecision(GetDecisionRequest.newBuilder().setDecisionId(again.getDecisionId()).build()).getPriorEffect())
                .isEqualTo(first.getEffectId());
        InvokeToolResponse stale = transfer(b1, "acme", "d4");
        assertThat(stale.getDecision()).isEqualTo(Decision.DECISION_REFUSED);
        assertThat(stale.getRefusal()).isEqualTo("STALE_BRANCH");
        assertThat(system.demo().bank.transfers()).hasSize(1);

        String forked = stub.fork(ForkRequest.newBuilder().setRunId("r1").setBranchId(restored.getBranchId()).setReason("payee changed")
                .setApprovedBy("ops@example").build()).getBranch().getBranchId();
        assertThat(transfer(forked, "mallory", "e5").getDecision()).isEqualTo(Decision.DECISION_EXECUTED);

        ListEffectsResponse page1 = stub.listEffects(ListEffectsRequest.newBuilder().setRunId("r1").setPageSize(1).build());
        assertThat(page1.getEffectsList()).hasSize(1);
        ListEffectsResponse page2 = stub.listEffects(ListEffectsRequest.newBuilder().setRunId("r1").setPageSize(1).setPageToken(page1.getNextPageToken()).build());
        assertThat(page2.getEffectsList()).extracting(e -> e.getStatus()).containsExactly("COMMITTED");
        assertThat(page2.getNextPageToken()).isEmpty();
        violation(() -> stub.listEffects(ListEffectsRequest.newBuilder().setRunId("r1").setBranchId(b1).setPageToken(page1.getNextPageToken()).build()),
                "page_token", "not a token of this list");
        violation(() -> stub.listEffects(ListEffectsRequest.newBuilder().setRunId("r1").setPageSize(5000).build()), "page_size", "between 0 and 1000");

        var run = stub.listRuns(io.keelson.acrfence.v1.ListRunsRequest.newBuilder().setRunId("r1").build());
        assertThat(run.getRunsList()).singleElement().satisfies(r -> {
            assertThat(r.getBranchesList()).extracting(b -> b.getBranchId() + "<" + b.getParentBranchId() + " " + b.getKind() + " " + b.getSuperseded())
                    .containsExactly(b1 + "< root true", restored.getBranchId() + "<" + b1 + " restore true",
                            forked + "<" + restored.getBranchId() + " fork false");
            assertThat(r.getDecisionsList()).extracting(d -> d.getDecision()).containsExactly("BLOCKED", "REPLAYED", "REFUSED");
            assertThat(r.getDecisions(1).getPriorEffect()).isEqualTo(first.getEffectId());
        });
        assertThat(stub.listRuns(io.keelson.acrfence.v1.ListRunsRequest.getDefaultInstance()).getRunsList()).extracting(r -> r.getRunId()).contains("r1");
        notFound(() -> stub.listRuns(io.keelson.acrfence.v1.ListRunsRequest.newBuilder().setRunId("r404").build()), "run_id");

        var chain = stub.verifyChain(VerifyChainRequest.getDefaultInstance());
        assertThat(chain.getIntact()).isTrue();
        assertThat(chain.getRecords()).isGreaterThan(5);

        violation(() -> stub.invokeTool(InvokeToolRequest.newBuilder().setRunId("r1").setBranchId(forked).setTool("transfer")
                .setArgumentsJson("{\"to\":\"acme\",\"amount\":\"lots\"}").build()), "arguments.amount", "must be number");
        violation(() -> stub.invokeTool(InvokeToolRequest.newBuilder().setRunId("r1").setBranchId(forked).setTool("transfer")
                .setArgumentsJson("{\"to\":").build()), "arguments", "not valid JSON");
        violation(() -> stub.fork(ForkRequest.newBuilder().setRunId("r1").setBranchId(forked).setReason("why").build()), "approved_by", "who approved");
        violation(() -> stub.openRun(OpenRunRequest.newBuilder().setRunId("bad id!").build()), "run_id", "letters, digits");
        notFound(() -> stub.invokeTool(InvokeToolRequest.newBuilder().setRunId("r1").setBranchId(forked).setTool("wire").setArgumentsJson("{}").build()), "tool");
        notFound(() -> transfer("b99", "acme", "y"), "branch_id");
        notFound(() -> stub.restore(RestoreRequest.newBuilder().setRunId("r1").setCheckpointId("c99").build()), "checkpoint_id");
        notFound(() -> stub.getDecision(GetDecisionRequest.newBuilder().setDecisionId("d-nope").build()), "decision_id");
        assertThat(system.demo().bank.transfers()).hasSize(2);
    }

    private static void notFound(Runnable call, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(e.getStatus().getDescription()).startsWith(field);
        });
    }
}
