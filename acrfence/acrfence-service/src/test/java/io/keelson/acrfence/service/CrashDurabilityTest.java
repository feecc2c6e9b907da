package io.keelson.acrfence.service;

import io.grpc.ManagedChannel;
import io.keelson.acrfence.v1.AcrFenceServiceGrpc;
import io.keelson.acrfence.v1.Decision;
import io.keelson.acrfence.v1.InvokeToolRequest;
import io.keelson.acrfence.v1.InvokeToolResponse;
import io.keelson.acrfence.v1.ListEffectsRequest;
import io.keelson.acrfence.v1.OpenRunRequest;
import io.keelson.acrfence.v1.VerifyChainRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 of the gateway process right after it acknowledged effects: every acknowledged effect is still there, chain intact. */
class CrashDurabilityTest {

    @TempDir
    Path home;

    private java.util.Map<String, String> env = java.util.Map.of();

    private Process start() throws Exception {
        return GatewayProcess.start(home, env);
    }

    private static ManagedChannel connect(Process p) throws Exception {
        return GatewayProcess.connect(p);
    }

    @Test
    void acknowledgedEffectsSurviveKillMinus9OnPostgres() throws Exception {
        org.postgresql.ds.PGSimpleDataSource ds = io.keelson.acrfence.core.testing.JournalStore.dataSource();
        env = java.util.Map.of("KEELSON_ACRFENCE_JDBC_URL", ds.getUrl(), "KEELSON_ACRFENCE_JDBC_USER", ds.getUser(),
                "KEELSON_ACRFENCE_JDBC_PASSWORD", ds.getPassword() == null ? "" : ds.getPassword(), "KEELSON_ACRFENCE_JDBC_SCHEMA", ds.getCurrentSchema());
        acknowledgedEffectsSurviveKillMinus9();
    }

    @Test
    void acknowledgedEffectsSurviveKillMinus9() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        Process first = start();
        ManagedChannel channel = connect(first);
        try {
            var stub = AcrFenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            String branch = stub.openRun(OpenRunRequest.newBuilder().setRunId("r").build()).getBranch().getBranchId();
            for (int i = 0; i < 20; i++) {
                InvokeToolResponse r = stub.invokeTool(InvokeToolRequest.newBuilder().setRunId("r").setBranchId(branch).setTool("transfer")
                        .setArgumentsJson("{\"to\":\"p" + i + "\",\"amount\":" + (i + 1) + "}").build());
                assertThat(r.getDecision()).isEqualTo(Decision.DECISION_EXECUTED);
                acknowledged.add(r.getEffectId());
            }
        } finally {
            channel.shutdownNow();
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        }
        Process second = start();
        channel = connect(second);
        try {
            var stub = AcrFenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            var effects = stub.listEffects(ListEffectsRequest.newBuilder().setRunId("r").build()).getEffectsList();
            assertThat(effects).extracting(e -> e.getEffectId()).containsExactlyElementsOf(acknowledged);
            assertThat(effects).allSatisfy(e -> assertThat(e.getStatus()).isEqualTo("COMMITTED"));
            assertThat(stub.verifyChain(VerifyChainRequest.getDefaultInstance()).getIntact()).isTrue();
        } finally {
            channel.shutdownNow();
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
