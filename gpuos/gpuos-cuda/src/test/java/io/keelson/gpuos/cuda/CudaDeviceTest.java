package io.keelson.gpuos.cuda;

import io.keelson.gpuos.core.cpu.CpuDevice;
import io.keelson.gpuos.core.device.Device;
import io.keelson.gpuos.core.device.DeviceException;
import io.keelson.gpuos.core.device.Launch;
import io.keelson.gpuos.core.device.TensorArg;
import io.keelson.gpuos.core.frontend.GpuOs;
import io.keelson.gpuos.core.frontend.Session;
import io.keelson.gpuos.core.frontend.Tensor;
import io.keelson.gpuos.core.ir.Expr;
import io.keelson.gpuos.core.ir.ExprParser;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.ir.RandomExprs;
import io.keelson.gpuos.core.ir.ReduceKind;
import io.keelson.gpuos.core.operator.OperatorTable;
import io.keelson.gpuos.core.queue.TaskOutcome;
import io.keelson.gpuos.core.queue.TaskQueue;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.testing.ChainWorkload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CUDA backend on a real GPU, checked against the CPU backend (the reference the rest of gpuos is
 * tested against) and against plain Java. Skipped, with the reason, where there is no GPU or no NVRTC.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CudaDeviceTest {

    private static CudaDevice gpu;
    private static CpuDevice cpu;

    @BeforeAll
    static void open() {
        gpu = Gpu.open();
        cpu = new CpuDevice(new CpuDevice.Config(2, 1024, 64L << 20, 1L << 30, Duration.ofSeconds(5)));
    }

    @AfterAll
    static void close() {
        if (gpu != null) {
            gpu.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    private static TaskOutcome run(Device device, List<Launch> launches) throws Exception {
        TaskQueue.Submission s = device.submit(launches);
        assertThat(s).isInstanceOf(TaskQueue.Submission.Accepted.class);
        return ((TaskQueue.Submission.Accepted) s).outcome().get(30, TimeUnit.SECONDS);
    }

    private static TensorArg dense(long handle, DType dtype, long n) {
        return new TensorArg(handle, dtype, new long[]{1}, 0);
    }

    private static float[] gaussian(Random random, int n) {
        return ChainWorkload.gaussian(random, n);
    }

    @Test
    void anAddRunsOnTheGpuAndEveryReplySaysCuda() throws Exception {
        assertThat(gpu.info().backend()).isEqualTo("cuda");
        assertThat(gpu.info().capability()).contains("SMs", "NVRTC");
        gpu.install(OperatorSpec.elementwise("t.add", 2, ExprParser.parse("(add x0 x1)")), true);
        Random random = new Random(1);
        int n = 10_000;
        float[] a = gaussian(random, n);
        float[] b = gaussian(random, n);
        long ha = gpu.allocate(DType.F32, n), hb = gpu.allocate(DType.F32, n), hc = gpu.allocate(DType.F32, n);
        gpu.write(ha, 0, a);
        gpu.write(hb, 0, b);
        gpu.write(hc, 0, filled(n, Float.NaN));
        TaskOutcome outcome = run(gpu, List.of(Launch.elementwise("t.add", new long[]{n}, List.of(dense(ha, DType.F32, n),
                dense(hb, DType.F32, n)), dense(hc, DType.F32, n))));
        assertThat(outcome).isInstanceOf(TaskOutcome.Done.class);
        float[] c = gpu.read(hc, 0, n);
        for (int i = 0; i < n; i++) {
            assertThat(c[i]).as("element %d", i).isEqualTo(a[i] + b[i]);
        }
        assertThat(gpu.stats().tasksCompleted()).isPositive();
        for (long h : new long[]{ha, hb, hc}) {
            gpu.free(h);
        }
    }

    @Test
    void randomExpressionsOverStridedBroadcastMixedDtypeViewsAgreeWithTheCpuBackend() throws Exception {
        compareRandomExpressions(gpu, cpu);
    }

    /** 24 random operators over random views, run on {@code subject} and on {@code reference}. */
    static void compareRandomExpressions(Device subject, Device reference) throws Exception {
        Random random = new Random(11);
        DType[] dtypes = DType.values();
        for (int trial = 0; trial < 24; trial++) {
            int arity = 1 + random.nextInt(3);
            Expr body = RandomExprs.expr(random, arity, 3);
            OperatorSpec spec = OperatorSpec.elementwise("t.rand" + trial, arity, body);
            long[] shape = new long[1 + random.nextInt(3)];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = 1 + random.nextInt(9);
            }
            List<float[]> inputs = new ArrayList<>();
            List<DType> inTypes = new ArrayList<>();
            List<long[]> inStrides = new ArrayList<>();
            DType inType = dtypes[random.nextInt(dtypes.length)]; // a launch's inputs share one dtype
            for (int k = 0; k < arity; k++) {
                inTypes.add(inType);
                long[] strides = transposedStrides(random, shape);
                if (random.nextInt(3) == 0) {
                    strides[random.nextInt(shape.length)] = 0; // broadcast along one dimension
                }
                inStrides.add(strides);
                inputs.add(gaussian(random, (int) (span(shape, strides) + 2)));
            }
            DType outType = body instanceof Expr.Cast cast ? cast.to() : inType; // what the operator produces
            long[] outStrides = transposedStrides(random, shape);
            float[] onGpu = runOn(subject, spec, shape, inputs, inTypes, inStrides, outType, outStrides);
            float[] onCpu = runOn(reference, spec, shape, inputs, inTypes, inStrides, outType, outStrides);
            assertClose(onGpu, onCpu, outType, "trial " + trial + " " + spec.signature() + " shape " + Arrays.toString(shape)
                    + " in " + inTypes + " out " + outType);
        }
    }

    @Test
    void reductionsAlongEachAxisAgreeWithTheCpuBackend() throws Exception {
        Random random = new Random(5);
        long[] shape = {6, 7, 5};
        for (ReduceKind kind : ReduceKind.values()) {
            OperatorSpec spec = OperatorSpec.reducing("t.reduce." + kind, 1, ExprParser.parse("(mul x0 2)"), kind);
            for (int axis = 0; axis < shape.length; axis++) {
                float[] x = gaussian(random, 6 * 7 * 5);
                long[] outStrides = {35, 5, 1};
                long[] reducedShape = shape.clone();
                reducedShape[axis] = 1;
                outStrides[axis] = 0;
                float[] onGpu = runReduction(gpu, spec, shape, axis, x, outStrides);
                float[] onCpu = runReduction(cpu, spec, shape, axis, x, outStrides);
                assertClose(onGpu, onCpu, DType.F32, kind + " axis " + axis);
            }
        }
    }

    @Test
    void aDependentChainOfFiveHundredLaunchesRunsAsOneTaskInOrder() throws Exception {
        ChainWorkload w = ChainWorkload.create(new Random(2), 2048, 100);
        for (OperatorSpec spec : ChainWorkload.stepOperators("c.")) {
            gpu.install(spec, true);
        }
        int n = 2048;
        long x = gpu.allocate(DType.F32, n), b = gpu.allocate(DType.F32, n), c = gpu.allocate(DType.F32, n),
                d = gpu.allocate(DType.F32, n);
        gpu.write(x, 0, w.x());
        gpu.write(b, 0, w.b());
        gpu.write(c, 0, w.c());
        gpu.write(d, 0, w.d());
        TensorArg X = dense(x, DType.F32, n), B = dense(b, DType.F32, n), C = dense(c, DType.F32, n), D = dense(d, DType.F32, n);
        List<Launch> chain = w.launches("c.", X, B, C, D);
        assertThat(run(gpu, chain)).isInstanceOf(TaskOutcome.Done.class);
        float[] out = gpu.read(x, 0, n);
        for (int i = 0; i < n; i++) {
            assertThat((double) out[i]).as("element %d", i).isCloseTo(w.expected()[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void aHotSwapUnderAHundredThousandTasksRunsEachExactlyOnceOnTheVersionItWasBoundTo() throws Exception {
        String name = "t.bump";
        gpu.install(OperatorSpec.elementwise(name, 1, ExprParser.parse("(add x0 1)")), true);
        int tasks = 100_000;
        long counters = gpu.allocate(DType.F32, tasks);
        gpu.write(counters, 0, new float[tasks]);
        float[] expected = new float[tasks];
        float step = 1;
        List<CompletableFuture<TaskOutcome>> outcomes = new ArrayList<>();
        long queuedAtSwitch = -1;
        int fullAnswers = 0;
        for (int i = 0; i < tasks; i++) {
            if (i == 30_000) {
                queuedAtSwitch = gpu.stats().queueDepth();
                gpu.install(OperatorSpec.elementwise(name, 1, ExprParser.parse("(add x0 1000)")), true);
                step = 1000;
            } else if (i == 60_000) {
                assertThat(gpu.rollback(name)).isInstanceOf(OperatorTable.Change.Activated.class);
                step = 1;
            }
            TensorArg cell = new TensorArg(counters, DType.F32, new long[]{1}, i);
            List<Launch> launch = List.of(Launch.elementwise(name, new long[]{1}, List.of(cell), cell));
            TaskQueue.Submission s;
            while ((s = gpu.submit(launch)) instanceof TaskQueue.Submission.Full) {
                fullAnswers++;
                Thread.onSpinWait();
            }
            outcomes.add(((TaskQueue.Submission.Accepted) s).outcome());
            expected[i] = step;
        }
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.join()).isInstanceOf(TaskOutcome.Done.class));
        float[] actual = gpu.read(counters, 0, tasks);
        for (int i = 0; i < tasks; i++) {
            // 1 or 1000 once; a task run twice would show 2, 2000 or 1001, a lost one 0
            assertThat(actual[i]).as("task %d (queue depth at the switch %d, %d full answers)", i, queuedAtSwitch, fullAnswers)
                    .isEqualTo(expected[i]);
        }
        gpu.free(counters);
    }

    @Test
    void aFullRingIsBackPressureAndEveryAcceptedTaskStillRuns() throws Exception {
        // one device per process: persistent workers of two contexts would have to time-slice the GPU
        gpu.install(OperatorSpec.elementwise("t.add2", 2, ExprParser.parse("(add x0 x1)")), true);
        int n = 1 << 20;
        long a = gpu.allocate(DType.F32, n), c = gpu.allocate(DType.F32, n);
        gpu.write(a, 0, filled(n, 1.5f));
        List<CompletableFuture<TaskOutcome>> accepted = new ArrayList<>();
        int full = 0;
        long before = gpu.stats().tasksCompleted();
        for (int i = 0; i < 20_000; i++) {
            TaskQueue.Submission s = gpu.submit(List.of(Launch.elementwise("t.add2", new long[]{n},
                    List.of(dense(a, DType.F32, n), dense(a, DType.F32, n)), dense(c, DType.F32, n))));
            if (s instanceof TaskQueue.Submission.Accepted ok) {
                accepted.add(ok.outcome());
            } else {
                full++;
            }
        }
        CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(full).as("Full answers among 20,000 submissions of 1M-element tasks").isPositive();
        assertThat(gpu.stats().tasksCompleted() - before).isEqualTo(accepted.size());
        assertThat(gpu.read(c, n - 4, 4)).containsExactly(3f, 3f, 3f, 3f);
        gpu.free(a);
        gpu.free(c);
    }

    @Test
    void badLaunchesAreRefusedByFieldAndTheWorkerCarriesOn() throws Exception {
        gpu.install(OperatorSpec.elementwise("t.neg", 1, ExprParser.parse("(neg x0)")), true);
        long a = gpu.allocate(DType.F32, 16);
        assertThatThrownBy(() -> gpu.submit(List.of(Launch.elementwise("t.neg", new long[]{32}, List.of(dense(a, DType.F32, 16)),
                dense(a, DType.F32, 16))))).isInstanceOfSatisfying(DeviceException.class, e -> assertThat(e.field()).startsWith("launches[0]"));
        assertThatThrownBy(() -> gpu.submit(List.of(Launch.elementwise("t.nope", new long[]{16}, List.of(dense(a, DType.F32, 16)),
                dense(a, DType.F32, 16))))).isInstanceOf(DeviceException.class);
        gpu.write(a, 0, filled(16, 2f));
        assertThat(run(gpu, List.of(Launch.elementwise("t.neg", new long[]{16}, List.of(dense(a, DType.F32, 16)),
                dense(a, DType.F32, 16))))).isInstanceOf(TaskOutcome.Done.class);
        assertThat(gpu.read(a, 0, 16)).containsOnly(-2f);
        gpu.free(a);
    }

    @Test
    void theFrontendsMlpAndAttentionRunOnTheGpuAsOnTheCpu() {
        Random random = new Random(9);
        float[] x = gaussian(random, 4 * 16), w1 = gaussian(random, 16 * 32), b1 = gaussian(random, 32),
                w2 = gaussian(random, 32 * 8), b2 = gaussian(random, 8), q = gaussian(random, 8 * 16), k = gaussian(random, 8 * 16);
        float[][] onGpu = frontend(gpu, x, w1, b1, w2, b2, q, k);
        float[][] onCpu = frontend(cpu, x, w1, b1, w2, b2, q, k);
        assertClose(onGpu[0], onCpu[0], DType.F32, "mlp");
        assertClose(onGpu[1], onCpu[1], DType.F32, "attention softmax");
    }

    private static float[][] frontend(Device device, float[] x, float[] w1, float[] b1, float[] w2, float[] b2, float[] q, float[] k) {
        try (Session s = GpuOs.on(device).session()) {
            Tensor h = s.tensor(x, 4, 16).matmul(s.tensor(w1, 16, 32)).add(s.tensor(b1, 32)).relu();
            Tensor y = h.matmul(s.tensor(w2, 32, 8)).add(s.tensor(b2, 8)).sigmoid();
            Tensor scores = s.tensor(q, 8, 16).matmul(s.tensor(k, 8, 16).transpose(0, 1)).mul(0.25f);
            Tensor e = scores.sub(scores.max(-1, true)).exp();
            Tensor p = e.div(e.sum(-1, true));
            s.flush();
            return new float[][]{y.read(), p.read()};
        }
    }

    private static float[] runOn(Device device, OperatorSpec spec, long[] shape, List<float[]> inputs, List<DType> inTypes,
                                 List<long[]> inStrides, DType outType, long[] outStrides) throws Exception {
        device.install(spec, true);
        List<TensorArg> args = new ArrayList<>();
        List<Long> handles = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) {
            long h = device.allocate(inTypes.get(k), inputs.get(k).length);
            device.write(h, 0, inputs.get(k));
            handles.add(h);
            args.add(new TensorArg(h, inTypes.get(k), inStrides.get(k), 1));
        }
        int outLength = (int) (span(shape, outStrides) + 1);
        long out = device.allocate(outType, outLength);
        device.write(out, 0, new float[outLength]);
        TaskOutcome outcome = run(device, List.of(Launch.elementwise(spec.name(), shape, args, new TensorArg(out, outType, outStrides, 0))));
        assertThat(outcome).as(device.info().backend() + " " + spec.signature()).isInstanceOf(TaskOutcome.Done.class);
        float[] result = device.read(out, 0, outLength);
        handles.forEach(device::free);
        device.free(out);
        return result;
    }

    private static float[] runReduction(Device device, OperatorSpec spec, long[] shape, int axis, float[] x, long[] outStrides) throws Exception {
        device.install(spec, true);
        long in = device.allocate(DType.F32, x.length);
        device.write(in, 0, x);
        long out = device.allocate(DType.F32, x.length);
        device.write(out, 0, new float[x.length]);
        TaskOutcome outcome = run(device, List.of(new Launch(spec.name(), shape, axis,
                List.of(new TensorArg(in, DType.F32, new long[]{35, 5, 1}, 0)), new TensorArg(out, DType.F32, outStrides, 0))));
        assertThat(outcome).isInstanceOf(TaskOutcome.Done.class);
        float[] result = device.read(out, 0, x.length);
        device.free(in);
        device.free(out);
        return result;
    }

    /** Dense strides for {@code shape} with the dimensions stored in a random order (a transposed view). */
    private static long[] transposedStrides(Random random, long[] shape) {
        List<Integer> order = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            order.add(d);
        }
        java.util.Collections.shuffle(order, random);
        long[] strides = new long[shape.length];
        long step = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            strides[order.get(k)] = step;
            step *= shape[order.get(k)];
        }
        return strides;
    }

    private static long span(long[] shape, long[] strides) {
        long last = 0;
        for (int d = 0; d < shape.length; d++) {
            last += (shape[d] - 1) * strides[d];
        }
        return last + 1;
    }

    /** GPU and CPU math libraries differ in the last bits of exp/tanh/…; 16-bit outputs may round one step apart. */
    private static void assertClose(float[] actual, float[] expected, DType dtype, String what) {
        double relative = dtype == DType.F32 ? 1e-3 : dtype == DType.I32 ? 0 : 1e-2;
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            float a = actual[i], e = expected[i];
            if (Float.isNaN(e)) {
                assertThat(Float.isNaN(a)).as("%s element %d: gpu %s, cpu NaN", what, i, a).isTrue();
                continue;
            }
            if (Float.isInfinite(e)) {
                assertThat(a).as("%s element %d", what, i).isEqualTo(e);
                continue;
            }
            double tolerance = dtype == DType.I32 ? 1 : relative * Math.max(1, Math.abs(e));
            assertThat((double) a).as("%s element %d: gpu %s cpu %s", what, i, a, e).isCloseTo(e, org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return v;
    }
}
