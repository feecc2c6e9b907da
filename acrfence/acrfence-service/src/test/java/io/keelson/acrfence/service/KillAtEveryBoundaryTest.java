package io.keelson.acrfence.service;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private HttpServer payments;
    private final List<String> charges = new CopyOnWriteArrayList<>();
    private final Map<String, String> byKey = new ConcurrentHashMap<>();

    @BeforeEach
    void startPayments() throws Exception {
        payments = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        payments.createContext("/charge", ex -> {
            String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String receipt = byKey.computeIfAbsent(key, k -> {
                charges.add(body);
                return "{\"charge\":\"ch_" + charges.size() + "\"}";
            });
            byte[] out = receipt.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        payments.createContext("/lookup", ex -> {
            String receipt = byKey.get(ex.getRequestHeaders().getFirst("Idempotency-Key"));
            byte[] out = (receipt == null ? "" : receipt).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(receipt == null ? 404 : 200, receipt == null ? -1 : out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        payments.start();
    }

    @AfterEach
    void stopPayments() {
        payments.stop(0);
    }

    private Process start(String failpoint) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), AcrFenceServer.class.getName(), "0").redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("KEELSON_HOME", home.toString());
        pb.environment().put("KEELSON_ACRFENCE_FAILPOINT", failpoint);
        return pb.start();
    }

    private static ManagedChannel connect(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("LISTENING ")) {
            // skip anything printed before the server listens
        }
        assertThat(line).as("the server printed LISTENING").isNotNull();
        return NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(line.substring(10).trim())).usePlaintext().build();
    }

    private static InvokeToolRequest charge(String branch, String nonce) {
        return InvokeToolRequest.newBuilder().setRunId("shop").setBranchId(branch).setTool("charge")
                .setArgumentsJson("{\"customer\":\"c1\",\"cents\":1999,\"nonce\":\"" + nonce + "\"}").build();
    }

    @ParameterizedTest
    @EnumSource(Boundary.class)
    void exactlyOneChargeWhereverTheGatewayDies(Boundary at) throws Exception {
        String base = "http://127.0.0.1:" + payments.getAddress().getPort();
        Process first = start("halt-at:" + at);
        ManagedChannel channel = connect(first);
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
        Process second = start("");
        channel = connect(second);
        try {
            var stub = AcrFenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            String restored = stub.restore(RestoreRequest.newBuilder().setRunId("shop").setCheckpointId(checkpoint).build()).getBranch().getBranchId();
            InvokeToolResponse again = stub.invokeTool(charge(restored, "n2"));
            assertThat(again.getDecision()).as("%s", again).isIn(Decision.DECISION_EXECUTED, Decision.DECISION_REPLAYED);
            assertThat(again.getResultJson()).isEqualTo("{\"charge\":\"ch_1\"}");
            assertThat(charges).as("charges at the payments API after a death at %s", at).hasSize(1);
            assertThat(stub.verifyChain(VerifyChainRequest.getDefaultInstance()).getIntact()).isTrue();
        } finally {
            channel.shutdownNow();
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
