package io.keelson.gpuos.core.bench;

import io.keelson.gpuos.core.cpu.CpuDevice;
import io.keelson.gpuos.core.cpu.CpuKernel;
import io.keelson.gpuos.core.cpu.CpuProgram;
import io.keelson.gpuos.core.device.Launch;
import io.keelson.gpuos.core.device.TensorArg;
import io.keelson.gpuos.core.frontend.GpuOs;
import io.keelson.gpuos.core.frontend.Session;
import io.keelson.gpuos.core.frontend.Tensor;
import io.keelson.gpuos.core.ir.ExprParser;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.queue.TaskOutcome;
import io.keelson.gpuos.core.queue.TaskQueue;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorBuffer;
import io.keelson.gpuos.core.tensor.TensorView;
import io.keelson.gpuos.core.testing.ChainWorkload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * gpuos on the CPU backend against one-executor-task-per-op, in one run (docs/benchmarks.md).
 * Arms, all running the same compiled operators on the same number of worker threads:
 * <ol>
 *   <li>per-op executor (the "per-launch" baseline): each op is one task on a fixed thread pool;</li>
 *   <li>worker, per-op submit: each op is one task in the persistent worker's ring;</li>
 *   <li>worker, batched submit: all ops of a workload (or of a flush) in one ring task;</li>
 *   <li>frontend session: ops recorded lazily, element-wise chains fused, one task per flush.</li>
 * </ol>
 * Every arm's outputs are checked against a host reference. Latency is submit-to-complete per op
 * (for a batch: from the op's submission or recording to the batch's completion).
 * Each arm is warmed for two seconds, then timed over seven rounds (median ops/s). Run with {@code ./keelson bench gpuos}.
 */
public final class GpuOsBenchmark {

    private static final int OPS = 10_000;
    private static final int POOL = 64;
    private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int ROUNDS = 7;
    private static final int SESSION_FLUSH = 1_000;
    private static final int BATCH = 1_000;

    private record Result(String workload, String arm, double opsPerSecond, double p50Micros, double p99Micros) {
    }

    /** Independent binary ops {@code out = a + b} over a pool of tensors, with a's and b's views as given. */
    private record Case(String name, DType dtype, long[] shape, long[] aStrides, int aElements, long[] bStrides, int bElements) {
        static Case dense(String name, DType dtype, int n) {
            return new Case(name, dtype, new long[]{n}, new long[]{1}, n, new long[]{1}, n);
        }

        int outElements() {
            return (int) TensorView.contiguous(dtype, shape).numel();
        }
    }

    private final int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    private final CpuDevice device = new CpuDevice(new CpuDevice.Config(workers, 4096, 256L << 20, 6L << 30, Duration.ofSeconds(30)));
    private final GpuOs gpuos = GpuOs.on(device);
    private final ExecutorService pool = Executors.newFixedThreadPool(workers);
    private final ThreadLocal<CpuKernel> kernels = ThreadLocal.withInitial(CpuKernel::new);
    private final List<Result> results = new ArrayList<>();
    private final Random random = new Random(42);

    public static void main(String[] args) throws Exception {
        GpuOsBenchmark bench = new GpuOsBenchmark();
        try {
            bench.runAll(args.length > 0 ? args[0] : "ABC");
        } finally {
            bench.device.close();
            bench.pool.shutdownNow();
        }
    }

    /** @param workloads which of the workloads A, B, C to run (all by default) */
    private void runAll(String workloads) throws Exception {
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; backend %s with %d workers%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), device.info().backend(), workers);
        device.install(OperatorSpec.elementwise("add", 2, ExprParser.parse("(add x0 x1)")), true);
        if (workloads.contains("A")) {
            for (int n : new int[]{256, 1024, 4096, 16384}) {
                independent(Case.dense("A: 10k f32 add n=" + n, DType.F32, n));
            }
        }
        if (workloads.contains("B")) {
            chain();
        }
        if (workloads.contains("C")) {
            workloadC();
        }
        installLatency();
        print();
    }

    private void workloadC() throws Exception {
        independent(new Case("C: broadcast [64,256]+[256]", DType.F32, new long[]{64, 256}, new long[]{256, 1}, 64 * 256,
                new long[]{0, 1}, 256));
        independent(new Case("C: transposed a^T[64,64]+b", DType.F32, new long[]{64, 64}, new long[]{1, 64}, 64 * 64,
                new long[]{64, 1}, 64 * 64));
        independent(Case.dense("C: 10k f16 add n=1024", DType.F16, 1024));
    }

    // ---------------------------------------------------------------- workload A and C

    private void independent(Case c) throws Exception {
        float[][] a = new float[POOL][];
        float[][] b = new float[POOL][];
        float[][] expected = new float[POOL][];
        TensorView av = new TensorView(c.dtype(), c.shape(), c.aStrides(), 0, c.aElements());
        TensorView bv = new TensorView(c.dtype(), c.shape(), c.bStrides(), 0, c.bElements());
        TensorView ov = TensorView.contiguous(c.dtype(), c.shape());
        for (int p = 0; p < POOL; p++) {
            a[p] = rounded(c.dtype(), c.aElements());
            b[p] = rounded(c.dtype(), c.bElements());
            expected[p] = new float[c.outElements()];
            for (int i = 0; i < expected[p].length; i++) {
                expected[p][(int) ov.offsetOf(i)] = c.dtype().round(a[p][(int) av.offsetOf(i)] + b[p][(int) bv.offsetOf(i)]);
            }
        }

        // baseline: the same operator on the same views, one executor task per op
        CpuProgram add = CpuProgram.compile(OperatorSpec.elementwise("add", 2, ExprParser.parse("(add x0 x1)")));
        TensorBuffer[][] host = new TensorBuffer[POOL][];
        for (int p = 0; p < POOL; p++) {
            host[p] = new TensorBuffer[]{buffer(c.dtype(), a[p]), buffer(c.dtype(), b[p]), new TensorBuffer(c.dtype(), c.outElements())};
        }
        TensorView[] inViews = {av, bv};
        measure(c.name(), "per-op executor (baseline)", () -> {
            long[] latency = new long[OPS];
            List<Future<?>> futures = new ArrayList<>(OPS);
            for (int j = 0; j < OPS; j++) {
                TensorBuffer[] t = host[j % POOL];
                int op = j;
                long submitted = System.nanoTime();
                futures.add(pool.submit(() -> {
                    kernels.get().map(add, inViews, new TensorBuffer[]{t[0], t[1]}, ov, t[2]);
                    latency[op] = System.nanoTime() - submitted;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return latency;
        });
        for (int p = 0; p < POOL; p++) {
            check(c.name() + " baseline", host[p][2].toFloats(), expected[p]);
        }

        long[][] handles = new long[POOL][3];
        List<Launch> launches = new ArrayList<>(OPS);
        for (int p = 0; p < POOL; p++) {
            handles[p][0] = device.allocate(c.dtype(), c.aElements());
            handles[p][1] = device.allocate(c.dtype(), c.bElements());
            handles[p][2] = device.allocate(c.dtype(), c.outElements());
            device.write(handles[p][0], 0, a[p]);
            device.write(handles[p][1], 0, b[p]);
        }
        for (int j = 0; j < OPS; j++) {
            long[] h = handles[j % POOL];
            launches.add(Launch.elementwise("add", c.shape(), List.of(new TensorArg(h[0], c.dtype(), c.aStrides(), 0),
                    new TensorArg(h[1], c.dtype(), c.bStrides(), 0)), new TensorArg(h[2], c.dtype(), ov.strides(), 0)));
        }
        Runnable verifyDevice = () -> {
            for (int p = 0; p < POOL; p++) {
                check(c.name() + " device", device.read(handles[p][2], 0, c.outElements()), expected[p]);
                device.write(handles[p][2], 0, new float[c.outElements()]); // the next arm must write them again
            }
        };
        measure(c.name(), "worker, per-op submit", () -> {
            long[] latency = new long[OPS];
            List<CompletableFuture<TaskOutcome>> futures = new ArrayList<>(OPS);
            for (int j = 0; j < OPS; j++) {
                int op = j;
                long submitted = System.nanoTime();
                futures.add(submit(List.of(launches.get(j))).whenComplete((o, e) -> latency[op] = System.nanoTime() - submitted));
            }
            for (CompletableFuture<TaskOutcome> f : futures) {
                done(f.get());
            }
            return latency;
        });
        verifyDevice.run();
        measure(c.name(), "worker, batched submit (" + BATCH + " per task)", () -> {
            // batches are queued as they are encoded, so workers start on the first while the next is written
            long[] latency = new long[OPS];
            List<CompletableFuture<TaskOutcome>> tasks = new ArrayList<>();
            for (int from = 0; from < OPS; from += BATCH) {
                long submitted = System.nanoTime();
                int first = from;
                int last = Math.min(OPS, from + BATCH);
                tasks.add(submit(launches.subList(first, last)).whenComplete((o, e) ->
                        Arrays.fill(latency, first, last, System.nanoTime() - submitted)));
            }
            for (CompletableFuture<TaskOutcome> task : tasks) {
                done(task.get());
            }
            return latency;
        });
        verifyDevice.run();
        long[] aStrides = c.aStrides();
        measure(c.name(), "frontend session (flush per " + SESSION_FLUSH + ")", () -> {
            long[] latency = new long[OPS];
            for (int from = 0; from < OPS; from += SESSION_FLUSH) {
                try (Session s = gpuos.session()) {
                    Tensor[] as = new Tensor[POOL];
                    Tensor[] bs = new Tensor[POOL];
                    for (int p = 0; p < POOL; p++) {
                        as[p] = s.wrap(handles[p][0], c.dtype(), c.shape(), aStrides, 0);
                        bs[p] = s.wrap(handles[p][1], c.dtype(), new long[]{c.bElements() == c.aElements() ? c.shape()[0] : c.bElements()},
                                new long[]{1}, 0);
                        if (c.shape().length == 2 && c.bElements() == c.aElements()) {
                            bs[p] = s.wrap(handles[p][1], c.dtype(), c.shape(), c.bStrides(), 0);
                        }
                    }
                    long[] recordedAt = new long[SESSION_FLUSH];
                    Tensor[] outs = new Tensor[SESSION_FLUSH];
                    for (int j = 0; j < SESSION_FLUSH; j++) {
                        recordedAt[j] = System.nanoTime();
                        outs[j] = as[(from + j) % POOL].add(bs[(from + j) % POOL]);
                    }
                    s.flush();
                    long end = System.nanoTime();
                    for (int j = 0; j < SESSION_FLUSH; j++) {
                        latency[from + j] = end - recordedAt[j];
                    }
                    if (from == 0) {
                        for (int p = 0; p < Math.min(POOL, SESSION_FLUSH); p++) {
                            check(c.name() + " session", outs[p].read(), expected[p]);
                        }
                    }
                }
            }
            return latency;
        });
        for (long[] h : handles) {
            for (long handle : h) {
                device.free(handle);
            }
        }
    }

    // ---------------------------------------------------------------- workload B

    private void chain() throws Exception {
        int n = 2048;
        int steps = 1000;
        String name = "B: chain add>mul>relu>sigmoid>div x1000, n=2048";
        ChainWorkload w = ChainWorkload.create(random, n, steps);
        float[] x = w.x();
        float[] b = w.b();
        float[] c = w.c();
        float[] d = w.d();
        float[] expected = w.expected();
        CpuProgram[] programs = new CpuProgram[5];
        for (int k = 0; k < 5; k++) {
            OperatorSpec spec = ChainWorkload.stepOperators("").get(k);
            programs[k] = CpuProgram.compile(spec);
            device.install(spec, true);
        }
        TensorView v = TensorView.contiguous(DType.F32, n);
        TensorBuffer t = new TensorBuffer(DType.F32, n);
        TensorBuffer[] operand = {buffer(DType.F32, b), buffer(DType.F32, c), null, null, buffer(DType.F32, d)};
        measure(name, "per-op executor (baseline)", () -> {
            t.fill(x);
            long[] latency = new long[steps * 5];
            for (int s = 0, j = 0; s < steps; s++) {
                for (int k = 0; k < 5; k++, j++) {
                    int op = k;
                    long submitted = System.nanoTime();
                    pool.submit(() -> {
                        TensorBuffer[] in = operand[op] == null ? new TensorBuffer[]{t} : new TensorBuffer[]{t, operand[op]};
                        TensorView[] views = operand[op] == null ? new TensorView[]{v} : new TensorView[]{v, v};
                        kernels.get().map(programs[op], views, in, v, t);
                    }).get();
                    latency[j] = System.nanoTime() - submitted;
                }
            }
            return latency;
        });
        check(name + " baseline", t.toFloats(), expected);

        long th = device.allocate(DType.F32, n);
        long[] oh = {device.allocate(DType.F32, n), device.allocate(DType.F32, n), 0, 0, device.allocate(DType.F32, n)};
        device.write(oh[0], 0, b);
        device.write(oh[1], 0, c);
        device.write(oh[4], 0, d);
        long[] one = {1};
        List<Launch> launches = w.launches("", new TensorArg(th, DType.F32, one, 0), new TensorArg(oh[0], DType.F32, one, 0),
                new TensorArg(oh[1], DType.F32, one, 0), new TensorArg(oh[4], DType.F32, one, 0));
        measure(name, "worker, per-op submit", () -> {
            device.write(th, 0, x);
            long[] latency = new long[launches.size()];
            for (int j = 0; j < launches.size(); j++) {
                long submitted = System.nanoTime();
                done(submit(List.of(launches.get(j))).get());
                latency[j] = System.nanoTime() - submitted;
            }
            return latency;
        });
        check(name + " worker", device.read(th, 0, n), expected);
        measure(name, "worker, batched submit (unfused)", () -> {
            device.write(th, 0, x);
            long submitted = System.nanoTime();
            done(submit(launches).get());
            long[] latency = new long[launches.size()];
            Arrays.fill(latency, System.nanoTime() - submitted);
            return latency;
        });
        check(name + " batched", device.read(th, 0, n), expected);
        float[][] last = new float[1][];
        measure(name, "frontend session (fused)", () -> {
            device.write(th, 0, x);
            long[] latency = new long[steps * 5];
            try (Session s = gpuos.session()) {
                Tensor tb = s.wrap(oh[0], DType.F32, new long[]{n}, one, 0);
                Tensor tc = s.wrap(oh[1], DType.F32, new long[]{n}, one, 0);
                Tensor td = s.wrap(oh[4], DType.F32, new long[]{n}, one, 0);
                Tensor cur = s.wrap(th, DType.F32, new long[]{n}, one, 0);
                long start = System.nanoTime();
                for (int step = 0; step < steps; step++) {
                    cur = cur.add(tb).mul(tc).relu().sigmoid().div(td);
                }
                s.flush();
                Arrays.fill(latency, System.nanoTime() - start);
                last[0] = cur.read();
            }
            return latency;
        });
        check(name + " session", last[0], expected);
        for (long h : new long[]{th, oh[0], oh[1], oh[4]}) {
            device.free(h);
        }
    }

    // ---------------------------------------------------------------- install latency

    private void installLatency() {
        long[] nanos = new long[50];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            device.install(OperatorSpec.elementwise("install_probe_" + i, 2,
                    ExprParser.parse("(select (gt x0 " + i + ") (sigmoid (mul x0 x1)) (tanh (add x0 " + i + ")))")), true);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "operator install (parse excluded, compile + table write): p50 %.1f us, p99 %.1f us over %d installs%n",
                nanos[nanos.length / 2] / 1e3, nanos[nanos.length - 1] / 1e3, nanos.length);
        System.out.printf(Locale.ROOT, "frontend compile time (kept out of the timed rounds): %.1f ms for %d fused operators%n",
                gpuos.compileNanos() / 1e6, gpuos.operatorsCompiled());
    }

    // ---------------------------------------------------------------- plumbing

    private interface Round {
        long[] run() throws Exception;
    }

    private void measure(String workload, String arm, Round round) throws Exception {
        // the JIT needs a few hundred thousand launches before the steady state: warm for a fixed time
        long warmUntil = System.nanoTime() + WARMUP_NANOS;
        while (System.nanoTime() < warmUntil) {
            round.run();
        }
        double[] rates = new double[ROUNDS];
        List<long[]> latencies = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            long start = System.nanoTime();
            long[] latency = round.run();
            rates[r] = latency.length * 1e9 / (System.nanoTime() - start);
            latencies.add(latency);
        }
        Arrays.sort(rates);
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        Result result = new Result(workload, arm, rates[ROUNDS / 2], all[all.length / 2] / 1e3, all[(int) (all.length * 0.99)] / 1e3);
        results.add(result);
        System.out.printf(Locale.ROOT, "measured %-48s %-40s %12.0f ops/s%n", workload, arm, result.opsPerSecond());
    }

    private CompletableFuture<TaskOutcome> submit(List<Launch> launches) {
        TaskQueue.Submission s;
        while ((s = device.submit(launches)) instanceof TaskQueue.Submission.Full) {
            LockSupport.parkNanos(10_000);
        }
        return ((TaskQueue.Submission.Accepted) s).outcome();
    }

    private static void done(TaskOutcome outcome) {
        if (outcome instanceof TaskOutcome.Failed f) {
            throw new IllegalStateException("task failed: " + f.reason());
        }
    }

    private void print() {
        System.out.println();
        System.out.printf(Locale.ROOT, "| %-48s | %-40s | %12s | %9s | %9s | %8s |%n", "workload", "arm", "ops/s", "p50 us", "p99 us", "vs base");
        System.out.println("|---|---|---:|---:|---:|---:|");
        double base = 0;
        for (Result r : results) {
            if (r.arm().startsWith("per-op executor")) {
                base = r.opsPerSecond();
            }
            System.out.printf(Locale.ROOT, "| %-48s | %-40s | %12.0f | %9.1f | %9.1f | %7.2fx |%n", r.workload(), r.arm(),
                    r.opsPerSecond(), r.p50Micros(), r.p99Micros(), r.opsPerSecond() / base);
        }
    }

    private float[] rounded(DType dtype, int n) {
        float[] v = ChainWorkload.gaussian(random, n);
        for (int i = 0; i < n; i++) {
            v[i] = dtype.round(v[i]);
        }
        return v;
    }

    private static TensorBuffer buffer(DType dtype, float[] values) {
        TensorBuffer b = new TensorBuffer(dtype, values.length);
        b.fill(values);
        return b;
    }

    private static void check(String what, float[] actual, float[] expected) {
        if (!Arrays.equals(actual, expected)) {
            for (int i = 0; i < expected.length; i++) {
                if (Float.compare(actual[i], expected[i]) != 0) {
                    throw new IllegalStateException(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
                }
            }
            throw new IllegalStateException(what + ": " + actual.length + " values, expected " + expected.length);
        }
    }

    private GpuOsBenchmark() {
    }
}
