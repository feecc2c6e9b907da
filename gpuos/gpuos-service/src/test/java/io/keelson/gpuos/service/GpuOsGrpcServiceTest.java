package io.keelson.gpuos.service;

import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.keelson.common.v1.Backend;
import io.keelson.gpuos.core.cpu.CpuDevice;
import io.keelson.gpuos.v1.*;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GpuOsGrpcServiceTest {

    private GpuOsSystem system;
    private Server server;
    private ManagedChannel channel;
    private GpuOsServiceGrpc.GpuOsServiceBlockingStub stub;

    private void start(int workers, int capacity) throws Exception {
        start(workers, capacity, Duration.ofSeconds(5));
    }

    private void start(int workers, int capacity, Duration stallAfter) throws Exception {
        system = GpuOsSystem.start(new CpuDevice.Config(workers, capacity, 1 << 20, 8 << 20, stallAfter), Optional.empty());
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(system.service()).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        stub = GpuOsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        system.close();
    }

    private long tensor(float... values) {
        return stub.createTensor(CreateTensorRequest.newBuilder().setDtype(DType.DTYPE_F32).addShape(values.length)
                .addAllValues(boxed(values)).build()).getTensor().getHandle();
    }

    private static List<Float> boxed(float[] values) {
        Float[] b = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = values[i];
        }
        return List.of(b);
    }

    private static Operand dense(long handle) {
        return Operand.newBuilder().setHandle(handle).setDtype(DType.DTYPE_F32).addStrides(1).build();
    }

    private static Launch add(String op, long n, long a, long b, long out) {
        return Launch.newBuilder().setOperator(op).addShape(n).addInputs(dense(a)).addInputs(dense(b)).setOutput(dense(out)).build();
    }

    @Test
    void installSubmitReadSwitchAndRollBackThroughTheService() throws Exception {
        start(2, 64);
        ListDevicesResponse devices = stub.listDevices(ListDevicesRequest.getDefaultInstance());
        assertThat(devices.getBackend()).isEqualTo(Backend.BACKEND_CPU_EMULATED);
        assertThat(devices.getDevices(0).getBackend()).isEqualTo(Backend.BACKEND_CPU_EMULATED);
        assertThat(devices.getCudaProbe()).contains("cpu-emulated serves");

        InstallOperatorResponse v1 = stub.installOperator(InstallOperatorRequest.newBuilder().setName("f").setArity(2)
                .setExpression("(add x0 x1)").build());
        assertThat(v1.getActive()).isTrue();
        assertThat(v1.getCompileLog()).contains("compiled f");
        long a = tensor(1, 2, 3);
        long b = tensor(10, 20, 30);
        long c = tensor(0, 0, 0);
        SubmitResponse done = stub.submit(SubmitRequest.newBuilder().addLaunches(add("f", 3, a, b, c)).setWait(true).setRequestId(7).build());
        assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_DONE);
        assertThat(done.getRequestId()).isEqualTo(7);
        assertThat(done.getBackend()).isEqualTo(Backend.BACKEND_CPU_EMULATED);
        assertThat(stub.readTensor(ReadTensorRequest.newBuilder().setHandle(c).setCount(3).build()).getValuesList())
                .containsExactly(11f, 22f, 33f);

        InstallOperatorResponse v2 = stub.installOperator(InstallOperatorRequest.newBuilder().setName("f").setArity(2)
                .setExpression("(mul x0 x1)").setStageOnly(true).build());
        assertThat(v2.getActive()).isFalse();
        stub.submit(SubmitRequest.newBuilder().addLaunches(add("f", 3, a, b, c)).setWait(true).build());
        assertThat(read(c)).containsExactly(11f, 22f, 33f); // staged, not active yet
        assertThat(stub.switchOperator(SwitchOperatorRequest.newBuilder().setName("f").setEpoch(v2.getEpoch()).build())
                .getActiveEpoch()).isEqualTo(v2.getEpoch());
        stub.submit(SubmitRequest.newBuilder().addLaunches(add("f", 3, a, b, c)).setWait(true).build());
        assertThat(read(c)).containsExactly(10f, 40f, 90f);
        assertThat(stub.rollbackOperator(RollbackOperatorRequest.newBuilder().setName("f").build()).getActiveEpoch())
                .isEqualTo(v1.getEpoch());
        Operator listed = stub.listOperators(ListOperatorsRequest.getDefaultInstance()).getOperators(0);
        assertThat(listed.getVersionsList()).extracting(OperatorVersion::getSignature)
                .containsExactlyInAnyOrder("2:(add x0 x1)", "2:(mul x0 x1)");

        SubmitResponse queued = stub.submit(SubmitRequest.newBuilder().addLaunches(add("f", 3, a, b, c)).build());
        assertThat(queued.getState()).isEqualTo(TaskState.TASK_STATE_QUEUED);
        stub.flush(FlushRequest.getDefaultInstance());
        assertThat(read(c)).containsExactly(11f, 22f, 33f);
        GetStatsResponse stats = stub.getStats(GetStatsRequest.getDefaultInstance());
        assertThat(stats.getTasksCompleted()).isEqualTo(4);
        assertThat(stats.getTensors()).isEqualTo(3);
        stub.freeTensor(FreeTensorRequest.newBuilder().setHandle(a).build());
        assertThat(stub.getStats(GetStatsRequest.getDefaultInstance()).getTensors()).isEqualTo(2);
    }

    private List<Float> read(long handle) {
        return stub.readTensor(ReadTensorRequest.newBuilder().setHandle(handle).setCount(3).build()).getValuesList();
    }

    @Test
    void badRequestsAreRefusedWithTheirFieldsAndTheWorkerCarriesOn() throws Exception {
        start(1, 64);
        violations(() -> stub.createTensor(CreateTensorRequest.newBuilder().addShape(-2).addValues(1).build()),
                Map.of("dtype", "is required", "shape[0]", "must not be negative", "values", "give none"));
        violations(() -> stub.installOperator(InstallOperatorRequest.newBuilder().setName("g").setArity(1)
                .setExpression("(add x0").build()), Map.of("expression", "at character 7: missing ')'"));
        violations(() -> stub.installOperator(InstallOperatorRequest.newBuilder().setName("g").setArity(1)
                .setExpression("(add x0 x1)").build()), Map.of("expression", "reads x1 but the operator has 1 inputs"));
        violations(() -> stub.installOperator(InstallOperatorRequest.newBuilder().setName("bad name").setArity(1)
                .setExpression("x0").build()), Map.of("name", "letters, digits"));
        assertCode(() -> stub.installOperator(InstallOperatorRequest.newBuilder().setName("g").setArity(1)
                .setCudaSource("__device__ void g() {}").build()), Status.Code.UNIMPLEMENTED, "cuda_source");

        stub.installOperator(InstallOperatorRequest.newBuilder().setName("add").setArity(2).setExpression("(add x0 x1)").build());
        long a = tensor(1, 2, 3);
        long h = stub.createTensor(CreateTensorRequest.newBuilder().setDtype(DType.DTYPE_F16).addShape(3).build()).getTensor().getHandle();
        assertCode(() -> stub.submit(SubmitRequest.newBuilder().addLaunches(add("nope", 3, a, a, a)).build()),
                Status.Code.NOT_FOUND, "launches[0].operator");
        violations(() -> stub.submit(SubmitRequest.newBuilder().addLaunches(add("add", 4, a, a, a)).build()),
                Map.of("launches[0].inputs[0].offset", "reaches element 3"));
        violations(() -> stub.submit(SubmitRequest.newBuilder().addLaunches(Launch.newBuilder().setOperator("add").addShape(3)
                .addInputs(dense(a)).addInputs(Operand.newBuilder().setHandle(h).setDtype(DType.DTYPE_F16).addStrides(1))
                .setOutput(dense(a))).build()), Map.of("launches[0].inputs[1].dtype", "differs from inputs[0]"));
        violations(() -> stub.submit(SubmitRequest.newBuilder().addLaunches(Launch.newBuilder().setOperator("add").addShape(3)
                .addInputs(dense(a)).addInputs(Operand.newBuilder().setHandle(a).addStrides(1))).build()),
                Map.of("launches[0].inputs[1].dtype", "is required", "launches[0].output", "is required"));
        violations(() -> stub.submit(SubmitRequest.getDefaultInstance()), Map.of("launches", "at least one"));
        violations(() -> stub.readTensor(ReadTensorRequest.newBuilder().setHandle(a).setCount(0).build()), Map.of("count", "must be 1.."));
        assertCode(() -> stub.readTensor(ReadTensorRequest.newBuilder().setHandle(999).setCount(1).build()),
                Status.Code.NOT_FOUND, "no tensor with handle 999");
        assertCode(() -> stub.createTensor(CreateTensorRequest.newBuilder().setDtype(DType.DTYPE_F32).addShape(1 << 20).build()),
                Status.Code.RESOURCE_EXHAUSTED, "limit per tensor");
        assertCode(() -> stub.switchOperator(SwitchOperatorRequest.newBuilder().setName("add").setEpoch(99).build()),
                Status.Code.FAILED_PRECONDITION, "not 99");
        // after all that, the worker still runs work
        assertThat(stub.submit(SubmitRequest.newBuilder().addLaunches(add("add", 3, a, a, a)).setWait(true).build()).getState())
                .isEqualTo(TaskState.TASK_STATE_DONE);
        assertThat(read(a)).containsExactly(2f, 4f, 6f);
    }

    @Test
    void aFullQueueIsResourceExhausted() throws Exception {
        start(0, 2, Duration.ofHours(1)); // no worker (and no watchdog relaunch while the test runs): the ring fills
        stub.installOperator(InstallOperatorRequest.newBuilder().setName("add").setArity(2).setExpression("(add x0 x1)").build());
        long a = tensor(1);
        SubmitRequest r = SubmitRequest.newBuilder().addLaunches(add("add", 1, a, a, a)).build();
        stub.submit(r);
        stub.submit(r);
        assertCode(() -> stub.submit(r), Status.Code.RESOURCE_EXHAUSTED, "queue full");

        // on a stream the same refusal is a reply for that request, and the stream goes on
        List<SubmitResponse> replies = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch one = new CountDownLatch(1);
        StreamObserver<SubmitRequest> requests = GpuOsServiceGrpc.newStub(channel).submitStream(new StreamObserver<>() {
            @Override
            public void onNext(SubmitResponse value) {
                replies.add(value);
                one.countDown();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        requests.onNext(r.toBuilder().setRequestId(42).build());
        assertThat(one.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(replies.get(0).getRequestId()).isEqualTo(42);
        assertThat(replies.get(0).getState()).isEqualTo(TaskState.TASK_STATE_QUEUE_FULL);
        requests.onCompleted();
    }

    @Test
    void theStreamAnswersEveryRequestByIdAndSurvivesABadOne() throws Exception {
        start(2, 1024); // room for every request: back-pressure on streams is checked in aFullQueueIsResourceExhausted
        stub.installOperator(InstallOperatorRequest.newBuilder().setName("inc").setArity(1).setExpression("(add x0 1)").build());
        int n = 500;
        long[] handles = new long[n];
        for (int i = 0; i < n; i++) {
            handles[i] = tensor(i);
        }
        Map<Long, SubmitResponse> replies = new ConcurrentHashMap<>();
        CountDownLatch finished = new CountDownLatch(1);
        StreamObserver<SubmitRequest> requests = GpuOsServiceGrpc.newStub(channel).submitStream(new StreamObserver<>() {
            @Override
            public void onNext(SubmitResponse value) {
                replies.put(value.getRequestId(), value);
            }

            @Override
            public void onError(Throwable t) {
                finished.countDown();
            }

            @Override
            public void onCompleted() {
                finished.countDown();
            }
        });
        for (int i = 0; i < n; i++) {
            requests.onNext(SubmitRequest.newBuilder().setRequestId(i).addLaunches(Launch.newBuilder().setOperator("inc").addShape(1)
                    .addInputs(dense(handles[i])).setOutput(dense(handles[i]))).build());
        }
        requests.onNext(SubmitRequest.newBuilder().setRequestId(n).addLaunches(add("missing", 1, handles[0], handles[0], handles[0])).build());
        requests.onCompleted();
        assertThat(finished.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(replies).hasSize(n + 1);
        for (int i = 0; i < n; i++) {
            assertThat(replies.get((long) i).getState()).isEqualTo(TaskState.TASK_STATE_DONE);
            assertThat(stub.readTensor(ReadTensorRequest.newBuilder().setHandle(handles[i]).setCount(1).build()).getValues(0))
                    .isEqualTo(i + 1f);
        }
        assertThat(replies.get((long) n).getState()).isEqualTo(TaskState.TASK_STATE_REJECTED);
        assertThat(replies.get((long) n).getFailure()).contains("no operator named 'missing'");
    }

    private static void assertCode(Runnable call, Status.Code code, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
    }

    private static void violations(Runnable call, Map<String, String> expected) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            com.google.rpc.Status status = StatusProto.fromThrowable(e);
            BadRequest bad = status.getDetailsList().stream().filter(d -> d.is(BadRequest.class)).findFirst()
                    .map(d -> unpack(d)).orElseThrow();
            Map<String, String> found = new java.util.HashMap<>();
            bad.getFieldViolationsList().forEach(v -> found.put(v.getField(), v.getDescription()));
            expected.forEach((field, text) -> assertThat(found).as("violations").hasEntrySatisfying(field,
                    d -> assertThat(d).contains(text)));
        });
    }

    private static BadRequest unpack(com.google.protobuf.Any any) {
        try {
            return any.unpack(BadRequest.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

}
