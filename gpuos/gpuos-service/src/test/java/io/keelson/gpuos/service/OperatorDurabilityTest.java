package io.keelson.gpuos.service;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.keelson.gpuos.v1.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Acknowledged operator changes survive kill -9 of the gpuos process: same versions, same one active, and they run. */
class OperatorDurabilityTest {

    @TempDir
    Path home;

    @Test
    void installedOperatorsAndTheActiveVersionSurviveKill9() throws Exception {
        Process first = start();
        try {
            GpuOsServiceGrpc.GpuOsServiceBlockingStub stub = connect(first);
            stub.installOperator(InstallOperatorRequest.newBuilder().setName("f").setArity(1).setExpression("(add x0 1)").build());
            stub.installOperator(InstallOperatorRequest.newBuilder().setName("f").setArity(1).setExpression("(mul x0 10)").build());
            stub.rollbackOperator(RollbackOperatorRequest.newBuilder().setName("f").build()); // (add x0 1) active again
            stub.installOperator(InstallOperatorRequest.newBuilder().setName("rowmax").setArity(1).setExpression("(abs x0)")
                    .setReduce(ReduceKind.REDUCE_KIND_MAX).build());
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        }

        Process second = start();
        try {
            GpuOsServiceGrpc.GpuOsServiceBlockingStub stub = connect(second);
            List<Operator> operators = stub.listOperators(ListOperatorsRequest.getDefaultInstance()).getOperatorsList();
            assertThat(operators).extracting(Operator::getName).containsExactly("f", "rowmax");
            Operator f = operators.get(0);
            assertThat(f.getVersionsList()).extracting(OperatorVersion::getSignature).containsExactly("1:(add x0 1.0)", "1:(mul x0 10.0)");
            String active = f.getVersionsList().stream().filter(v -> v.getEpoch() == f.getActiveEpoch()).findFirst().orElseThrow().getSignature();
            assertThat(active).isEqualTo("1:(add x0 1.0)");
            assertThat(operators.get(1).getVersions(0).getSignature()).isEqualTo("1:(abs x0) reduce max");

            long x = stub.createTensor(CreateTensorRequest.newBuilder().setDtype(DType.DTYPE_F32).addShape(2).addValues(1).addValues(2).build())
                    .getTensor().getHandle();
            Operand dense = Operand.newBuilder().setHandle(x).setDtype(DType.DTYPE_F32).addStrides(1).build();
            assertThat(stub.submit(SubmitRequest.newBuilder().setWait(true).addLaunches(Launch.newBuilder().setOperator("f")
                    .addShape(2).addInputs(dense).setOutput(dense)).build()).getState()).isEqualTo(TaskState.TASK_STATE_DONE);
            assertThat(stub.readTensor(ReadTensorRequest.newBuilder().setHandle(x).setCount(2).build()).getValuesList())
                    .containsExactly(2f, 3f);
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), GpuOsServer.class.getName(), "0")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("KEELSON_HOME", home.toString());
        return pb.start();
    }

    private static GpuOsServiceGrpc.GpuOsServiceBlockingStub connect(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("LISTENING ")) {
            // skip anything printed before the server listens
        }
        assertThat(line).as("the server printed LISTENING").isNotNull();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(line.substring(10).trim())).usePlaintext().build();
        return GpuOsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}
