package io.keelson.acrfence.service;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.keelson.acrfence.core.fence.Boundary;
import io.keelson.acrfence.v1.AcrFenceServiceGrpc;
import io.keelson.acrfence.v1.CheckpointRequest;
import io.keelson.acrfence.v1.Decision;
import io.keelson.acrfence.v1.EffectClass;
import io.keelson.acrfence.v1.InvokeToolRequest;
import io.keelson.acrfence.v1.InvokeToolResponse;
import io.keelson.acrfence.v1.OpenRunRequest;
import io.keelson.acrfence.v1.RegisterToolRequest;
import io.keelson.acrfence.v1.RestoreRequest;
import io.keelson.acrfence.v1.Tool;
import io.keelson.acrfence.v1.ToolArgument;
import io.keelson.acrfence.v1.VerifyChainRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway as a real process, killed (halt: no shutdown hook, as kill -9) at each persistence boundary of an
 * irreversible call to a payments API that lives outside it; restarted, and the agent restored and re-issuing the
 * call with a fresh nonce: exactly one charge, whatever the boundary, and an intact chain.
 */
class KillAtEveryBoundaryTest {

    @TempDir
    Path home;
    private PaymentsApi payments;

    @BeforeEach
    void startPayments() throws Exception {
        payments = new PaymentsApi();
    }

    @AfterEach
    void stopPayments() {
        payments.close();
    }

    private static InvokeToolRequest charge(String branch, String nonce) {
        return InvokeToolRequest.newBuilder().setRunId("shop").setBranchId(branch).setTool("charge")
                .setArgumentsJson("{\"customer\":\"c1\",\"cents\":1999,\"nonce\":\"" + nonce + "\"}").build();
    }

    @ParameterizedTest
    @EnumSource(Boundary.class)
    void exactlyOneChargeWhereverTheGatewayDies(Boundary at) throws Exception {
        String base = payments.base();
        Process first = GatewayProcess.start(home, Map.of("KEELSON_ACRFENCE_FAILPOINT", "halt-at:" + at));
        ManagedChannel channel = GatewayProcess.connect(first);
        String checkpoint;
        try {
            var stub = AcrFenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            stub.registerTool(RegisterToolRequest.newBuilder().setTool(Tool.newBuilder().setName("charge").setEffectClass(EffectClass.EFFECT_CLASS_IRREVERSIBLE)
                    .addArguments(ToolArgument.newBuilder().setName("customer").setType("string").setRequired(true))
                    .addArguments(ToolArgument.newBuilder().setName("cents").setType("integer").setRequired(true))
                    .addArguments(ToolArgument.newBuilder().setName("nonce").setType("string").setVolatile(true)))
                    .setEndpointUrl(base + "/charge").setLookupUrl(base + "/lookup").build());
            String branch = stub.openRun(OpenRunRequest.newBuilder().setRunId("shop").build()).getBranch().getBranchId();
            checkpoint = stub.checkpoint(CheckpointRequest.newBuilder().setRunId("shop").setBranchId(branch).build()).getCheckpointId();
            assertThatThrownBy(() -> stub.invokeTool(charge(branch, "n1"))).isInstanceOf(StatusRuntimeException.class); // it died mid-call
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isEqualTo(137);
        } finally {
            channel.shutdownNow();
            first.destroyForcibly();
        }
        Process second = GatewayProcess.start(home, Map.of());
        channel = GatewayProcess.connect(second);
        try {
            var stub = AcrFenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            String restored = stub.restore(RestoreRequest.newBuilder().setRunId("shop").setCheckpointId(checkpoint).build()).getBranch().getBranchId();
            InvokeToolResponse again = stub.invokeTool(charge(restored, "n2"));
            assertThat(again.getDecision()).as("%s", again).isIn(Decision.DECISION_EXECUTED, Decision.DECISION_REPLAYED);
            assertThat(again.getResultJson()).isEqualTo("{\"charge\":\"ch_1\"}");
            assertThat(payments.charges()).as("charges at the payments API after a death at %s", at).hasSize(1);
            assertThat(stub.verifyChain(VerifyChainRequest.getDefaultInstance()).getIntact()).isTrue();
        } finally {
            channel.shutdownNow();
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
