package io.keelson.gpuos.core.cpu;

import io.keelson.gpuos.core.device.DeviceException;
import io.keelson.gpuos.core.device.Launch;
import io.keelson.gpuos.core.device.TensorArg;
import io.keelson.gpuos.core.ir.ExprParser;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.ir.ReduceKind;
import io.keelson.gpuos.core.operator.OperatorTable;
import io.keelson.gpuos.core.queue.TaskOutcome;
import io.keelson.gpuos.core.queue.TaskQueue;
import io.keelson.gpuos.core.tensor.DType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuDeviceTest {

    private CpuDevice device;

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
    }

    private CpuDevice start(int workers, int capacity) {
        device = new CpuDevice(new CpuDevice.Config(workers, capacity, 1 << 20, 4 << 20, Duration.ofMillis(200)));
        return device;
    }

    private static TensorArg dense(long handle, DType dtype, long n) {
        return new TensorArg(handle, dtype, new long[]{1}, 0);
    }

    private static TaskOutcome await(TaskQueue.Submission s) throws Exception {
        assertThat(s).isInstanceOf(TaskQueue.Submission.Accepted.class);
        return ((TaskQueue.Submission.Accepted) s).outcome().get(10, TimeUnit.SECONDS);
    }

    @Test
    void runsALaunchAndABatchInOrder() throws Exception {
        start(2, 64);
        device.install(OperatorSpec.elementwise("add", 2, ExprParser.parse("(add x0 x1)")), true);
        device.install(OperatorSpec.elementwise("relu_scale", 1, ExprParser.parse("(mul (relu x0) 2)")), true);
        long a = device.allocate(DType.F32, 4);
        long b = device.allocate(DType.F32, 4);
        long c = device.allocate(DType.F32, 4);
        device.write(a, 0, new float[]{1, -2, 3, -4});
        device.write(b, 0, new float[]{10, 20, 30, 40});
        long[] shape = {4};
        assertThat(await(device.submit(List.of(Launch.elementwise("add", shape,
                List.of(dense(a, DType.F32, 4), dense(b, DType.F32, 4)), dense(c, DType.F32, 4))))))
                .isInstanceOf(TaskOutcome.Done.class);
        assertThat(device.read(c, 0, 4)).containsExactly(11, 18, 33, 36);

        // c = a + b; c = relu(c) * 2; a = c + c : each step reads what the one before wrote
        TaskOutcome outcome = await(device.submit(List.of(
                Launch.elementwise("add", shape, List.of(dense(a, DType.F32, 4), dense(b, DType.F32, 4)), dense(c, DType.F32, 4)),
                Launch.elementwise("relu_scale", shape, List.of(dense(c, DType.F32, 4)), dense(c, DType.F32, 4)),
                Launch.elementwise("add", shape, List.of(dense(c, DType.F32, 4), dense(c, DType.F32, 4)), dense(a, DType.F32, 4)))));
        assertThat(outcome).isInstanceOf(TaskOutcome.Done.class);
        assertThat(device.read(a, 0, 4)).containsExactly(44, 72, 132, 144);
        assertThat(device.stats().launchesCompleted()).isEqualTo(4);
        assertThat(device.info().backend()).isEqualTo("cpu-emulated");
    }

    @Test
    void everyBadLaunchIsRefusedNamingItsField() {
        start(1, 16);
        device.install(OperatorSpec.elementwise("add", 2, ExprParser.parse("(add x0 x1)")), true);
        device.install(OperatorSpec.reducing("sum", 1, ExprParser.parse("x0"), ReduceKind.SUM), true);
        device.install(OperatorSpec.elementwise("to_half", 1, ExprParser.parse("(cast f16 x0)")), true);
        long f = device.allocate(DType.F32, 8);
        long g = device.allocate(DType.F32, 8);
        long h = device.allocate(DType.F16, 8);
        long[] s = {8};
        TensorArg tf = dense(f, DType.F32, 8);
        TensorArg tg = dense(g, DType.F32, 8);
        TensorArg th = dense(h, DType.F16, 8);
        refused(Launch.elementwise("nope", s, List.of(tf), tg), DeviceException.Kind.NOT_FOUND, "launches[0].operator");
        refused(Launch.elementwise("add", s, List.of(tf), tg), DeviceException.Kind.INVALID, "launches[0].inputs");
        refused(Launch.elementwise("add", new long[]{9}, List.of(tf, tg), tg), DeviceException.Kind.INVALID, "launches[0].inputs[0].offset");
        refused(Launch.elementwise("add", new long[]{2, 4}, List.of(tf, tg), tg), DeviceException.Kind.INVALID, "launches[0].inputs[0].strides");
        refused(Launch.elementwise("add", s, List.of(tf, th), tg), DeviceException.Kind.INVALID, "launches[0].inputs[1].dtype");
        refused(Launch.elementwise("add", s, List.of(tf, new TensorArg(h, DType.F32, new long[]{1}, 0)), tg),
                DeviceException.Kind.INVALID, "launches[0].inputs[1].dtype");
        refused(Launch.elementwise("add", s, List.of(tf, tg), th), DeviceException.Kind.INVALID, "launches[0].output.dtype");
        refused(Launch.elementwise("to_half", s, List.of(tf), tg), DeviceException.Kind.INVALID, "launches[0].output.dtype");
        refused(Launch.elementwise("add", s, List.of(tf, new TensorArg(99, DType.F32, new long[]{1}, 0)), tg),
                DeviceException.Kind.NOT_FOUND, "launches[0].inputs[1].handle");
        refused(Launch.elementwise("add", s, List.of(tf, tg), new TensorArg(g, DType.F32, new long[]{0}, 0)),
                DeviceException.Kind.INVALID, "launches[0].output.strides[0]");
        refused(Launch.elementwise("add", s, List.of(tf, new TensorArg(g, DType.F32, new long[]{-1}, 7)), tg),
                DeviceException.Kind.INVALID, "launches[0].inputs[1].strides[0]");
        refused(Launch.elementwise("sum", s, List.of(tf), tg), DeviceException.Kind.INVALID, "launches[0].reduce_axis");
        refused(new Launch("sum", s, 0, List.of(tf), tg), DeviceException.Kind.INVALID, "launches[0].output.strides[0]");
        refused(new Launch("add", s, 0, List.of(tf, tg), tg), DeviceException.Kind.INVALID, "launches[0].reduce_axis");
        assertThatThrownBy(() -> device.allocate(DType.F32, 1 << 20))
                .isInstanceOfSatisfying(DeviceException.class, e -> assertThat(e.kind()).isEqualTo(DeviceException.Kind.LIMIT))
                .hasMessageContaining("limit per tensor");
        assertThatThrownBy(() -> device.read(f, 4, 5)).hasMessageContaining("outside a tensor of 8");
        assertThat(device.stats().tasksSubmitted()).isZero();
        assertThat(device.operators()).allSatisfy(op -> assertThat(op.versions()).allSatisfy(v -> assertThat(v.tasksInFlight()).isZero()));
    }

    private void refused(Launch launch, DeviceException.Kind kind, String field) {
        assertThatThrownBy(() -> device.submit(List.of(launch)))
                .isInstanceOfSatisfying(DeviceException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.kind()).isEqualTo(kind);
                });
    }

    @Test
    void aFullQueueIsBackPressureAndReleasesItsBindings() {
        start(0, 2); // no worker yet: nothing drains
        device.install(OperatorSpec.elementwise("neg", 1, ExprParser.parse("(neg x0)")), true);
        long a = device.allocate(DType.F32, 1);
        Launch neg = Launch.elementwise("neg", new long[]{1}, List.of(dense(a, DType.F32, 1)), dense(a, DType.F32, 1));
        assertThat(device.submit(List.of(neg))).isInstanceOf(TaskQueue.Submission.Accepted.class);
        assertThat(device.submit(List.of(neg))).isInstanceOf(TaskQueue.Submission.Accepted.class);
        assertThat(device.submit(List.of(neg))).isInstanceOf(TaskQueue.Submission.Full.class);
        assertThat(device.operators().get(0).versions().get(0).tasksInFlight()).isEqualTo(2);
    }

    @Test
    void tasksRunOnTheVersionTheyWereBoundToAndTheWatchdogStartsAWorker() throws Exception {
        start(0, 16); // tasks wait in the ring until the watchdog sees the silence and starts a worker
        device.install(OperatorSpec.elementwise("f", 1, ExprParser.parse("(add x0 1)")), true);
        long a = device.allocate(DType.F32, 1);
        long b = device.allocate(DType.F32, 1);
        long c = device.allocate(DType.F32, 1);
        TensorArg ta = dense(a, DType.F32, 1);
        TaskQueue.Submission first = device.submit(List.of(Launch.elementwise("f", new long[]{1}, List.of(ta), dense(b, DType.F32, 1))));
        device.install(OperatorSpec.elementwise("f", 1, ExprParser.parse("(add x0 100)")), true);
        // the slot of version 1 is busy: a third version must wait
        assertThatThrownBy(() -> device.install(OperatorSpec.elementwise("f", 1, ExprParser.parse("(add x0 7)")), true))
                .isInstanceOfSatisfying(DeviceException.class, e -> assertThat(e.kind()).isEqualTo(DeviceException.Kind.CONFLICT));
        TaskQueue.Submission second = device.submit(List.of(Launch.elementwise("f", new long[]{1}, List.of(ta), dense(c, DType.F32, 1))));
        assertThat(await(first)).isInstanceOf(TaskOutcome.Done.class);
        assertThat(await(second)).isInstanceOf(TaskOutcome.Done.class);
        assertThat(device.read(b, 0, 1)).containsExactly(1);
        assertThat(device.read(c, 0, 1)).containsExactly(100);
        assertThat(device.stats().workerRelaunches()).isEqualTo(1);
        assertThat(device.rollback("f")).isInstanceOf(OperatorTable.Change.Activated.class);
        assertThat(device.operators().get(0).activeEpoch()).isEqualTo(1);
    }

    @Test
    void aLaunchThatFailsOnTheWorkerIsReportedAndTheWorkerCarriesOn() throws Exception {
        start(0, 16);
        device.install(OperatorSpec.elementwise("copy", 1, ExprParser.parse("x0")), true);
        long a = device.allocate(DType.F32, 2);
        long b = device.allocate(DType.F32, 2);
        Launch copy = Launch.elementwise("copy", new long[]{2}, List.of(dense(a, DType.F32, 2)), dense(b, DType.F32, 2));
        TaskQueue.Submission doomed = device.submit(List.of(copy));
        device.free(a); // freed while the task waits: the worker must refuse it, not crash
        TaskOutcome outcome = await(doomed);
        assertThat(outcome).isInstanceOfSatisfying(TaskOutcome.Failed.class,
                f -> assertThat(f.reason()).contains("launch 0 (copy)").contains("no tensor with handle " + a));
        long c = device.allocate(DType.F32, 2);
        device.write(c, 0, new float[]{5, 6});
        assertThat(await(device.submit(List.of(Launch.elementwise("copy", new long[]{2}, List.of(dense(c, DType.F32, 2)),
                dense(b, DType.F32, 2)))))).isInstanceOf(TaskOutcome.Done.class);
        assertThat(device.read(b, 0, 2)).containsExactly(5, 6);
        assertThat(device.stats().tasksFailed()).isEqualTo(1);
        assertThat(device.operators().get(0).versions().get(0).tasksInFlight()).isZero();
    }
}
