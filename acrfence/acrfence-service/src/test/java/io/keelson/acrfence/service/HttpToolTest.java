package io.keelson.acrfence.service;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.keelson.acrfence.v1.AcrFenceServiceGrpc;
import io.keelson.acrfence.v1.CheckpointRequest;
import io.keelson.acrfence.v1.Decision;
import io.keelson.acrfence.v1.EffectClass;
import io.keelson.acrfence.v1.InvokeToolRequest;
import io.keelson.acrfence.v1.OpenRunRequest;
import io.keelson.acrfence.v1.RegisterToolRequest;
import io.keelson.acrfence.v1.RestoreRequest;
import io.keelson.acrfence.v1.Tool;
import io.keelson.acrfence.v1.ToolArgument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real tool behind HTTP: a payments API (JDK HTTP server) that honours Idempotency-Key and answers lookups,
 * registered through RegisterTool; the fence journals its calls, replays after a restore, and keeps the
 * registration across a restart. Hosts outside the operator's list are refused.
 */
class HttpToolTest {

    @TempDir
    Path home;
    private PaymentsApi payments;
    private AcrFenceSystem system;
    private Server server;
    private ManagedChannel channel;

    private AcrFenceServiceGrpc.AcrFenceServiceBlockingStub start() throws Exception {
        system = AcrFenceSystem.start(home);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(system.service()).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        return AcrFenceServiceGrpc.newBlockingStub(channel);
    }

    private void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        system.close();
    }

    @AfterEach
    void tearDown() {
        if (payments != null) {
            payments.close();
        }
    }

    @Test
    void aRegisteredHttpToolIsFencedAndSurvivesARestart() throws Exception {
        payments = new PaymentsApi();
        String base = payments.base();

        var stub = start();
        Tool charge = Tool.newBuilder().setName("charge").setEffectClass(EffectClass.EFFECT_CLASS_IRREVERSIBLE)
                .addArguments(ToolArgument.newBuilder().setName("customer").setType("string").setRequired(true))
                .addArguments(ToolArgument.newBuilder().setName("cents").setType("integer").setRequired(true))
                .addArguments(ToolArgument.newBuilder().setName("nonce").setType("string").setVolatile(true)).build();
        var registered = stub.registerTool(RegisterToolRequest.newBuilder().setTool(charge).setEndpointUrl(base + "/charge")
                .setLookupUrl(base + "/lookup").build()).getTool();
        assertThat(registered.getReconcilable()).isTrue();
        assertThatThrownBy(() -> stub.registerTool(RegisterToolRequest.newBuilder().setTool(charge.toBuilder().setVersion(2))
                .setEndpointUrl("http://evil.example/charge").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("endpoint_url");
                });
        assertThatThrownBy(() -> stub.registerTool(RegisterToolRequest.newBuilder().setTool(charge.toBuilder().setVersion(2).setName("bad name!"))
                .setEndpointUrl(base + "/charge").build())).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getDescription()).contains("tool.name"));

        String branch = stub.openRun(OpenRunRequest.newBuilder().setRunId("shop").build()).getBranch().getBranchId();
        String cp = stub.checkpoint(CheckpointRequest.newBuilder().setRunId("shop").setBranchId(branch).build()).getCheckpointId();
        var first = stub.invokeTool(InvokeToolRequest.newBuilder().setRunId("shop").setBranchId(branch).setTool("charge")
                .setArgumentsJson("{\"customer\":\"c1\",\"cents\":1999,\"nonce\":\"n1\"}").build());
        assertThat(first.getDecision()).isEqualTo(Decision.DECISION_EXECUTED);
        assertThat(first.getResultJson()).isEqualTo("{\"charge\":\"ch_1\"}");
        stop();

        var again = start(); // the registration came back from the journal
        String restored = again.restore(RestoreRequest.newBuilder().setRunId("shop").setCheckpointId(cp).build()).getBranch().getBranchId();
        var replay = again.invokeTool(InvokeToolRequest.newBuilder().setRunId("shop").setBranchId(restored).setTool("charge")
                .setArgumentsJson("{\"customer\":\"c1\",\"cents\":1999,\"nonce\":\"n2\"}").build());
        assertThat(replay.getDecision()).isEqualTo(Decision.DECISION_REPLAYED);
        assertThat(replay.getResultJson()).isEqualTo("{\"charge\":\"ch_1\"}");
        assertThat(payments.charges()).hasSize(1);
        stop();
    }
}
