package io.keelson.gpuos.cuda;

import io.keelson.gpuos.core.device.Launch;
import io.keelson.gpuos.core.device.TensorArg;
import io.keelson.gpuos.core.ir.ExprParser;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.queue.TaskOutcome;
import io.keelson.gpuos.core.queue.TaskQueue;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.testing.ChainWorkload;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * gpuos on a real GPU (issue 4's benchmark). Arms, each measured in this run with its outputs checked:
 * <ol>
 *   <li><b>per-op launch</b>: one {@code cuLaunchKernel} per op of a plain contiguous kernel (PyTorch eager's shape);</li>
 *   <li><b>CUDA Graph</b>: the same launches captured once and replayed (instantiation not timed);</li>
 *   <li><b>persistent, batched</b>: the persistent worker, launches submitted as ring tasks of many launches;</li>
 *   <li><b>persistent, per-op</b>: the persistent worker, one ring task per op.</li>
 * </ol>
 * The baselines run in their own context before the persistent worker starts, so they never share the SMs
 * with it. Run: see gpuos/README.md (the device script {@code gpuos/gpuos-cuda/device-check.sh}).
 */
public final class CudaBenchmark {

    private static final int OPS = 10_000;
    private static final int POOL = 64;
    private static final int ROUNDS = 7;
    private static final int WARMUP = 3;
    private static final String KERNELS = """
            extern "C" __global__ void bench_add(const float* a, const float* b, float* c, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) c[i] = a[i] + b[i]; }
            extern "C" __global__ void bench_mul(const float* a, const float* b, float* c, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) c[i] = a[i] * b[i]; }
            extern "C" __global__ void bench_div(const float* a, const float* b, float* c, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) c[i] = a[i] / b[i]; }
            extern "C" __global__ void bench_relu(const float* a, const float* unused, float* c, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) c[i] = a[i] > 0.0f ? a[i] : 0.0f; }
            extern "C" __global__ void bench_sigmoid(const float* a, const float* unused, float* c, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) c[i] = 1.0f / (1.0f + expf(-a[i])); }
            """;

    private record Row(String workload, String arm, double opsPerSecond, double p50Micros, double p99Micros) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final Nvrtc nvrtc;
    private final int[] sizes;

    private CudaBenchmark(Nvrtc nvrtc, int[] sizes) {
        this.nvrtc = nvrtc;
        this.sizes = sizes;
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray() : new int[]{256, 1024, 4096, 16384};
        Nvrtc nvrtc = Nvrtc.load().orElseThrow(() -> new IllegalStateException("NVRTC not found"));
        CudaProbe.Result probe = CudaProbe.probe();
        if (!(probe instanceof CudaProbe.Result.Available gpu)) {
            throw new IllegalStateException("no GPU: " + probe);
        }
        System.out.println("# gpuos CUDA benchmark on " + gpu.name() + " (compute " + gpu.computeCapability() + "), " + nvrtc);
        CudaBenchmark bench = new CudaBenchmark(nvrtc, sizes);
        bench.baselines();
        try {
            bench.persistent(CudaDevice.Config.defaults().withArena(1L << 30));
        } finally {
            bench.print();
        }
    }

    // ---- baselines: their own context, no persistent worker on the GPU ----

    private void baselines() throws Exception {
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, 0);
        CUcontext context = new CUcontext();
        JCudaDriver.cuCtxCreate(context, 0, device);
        Nvrtc.Result compiled = nvrtc.compile("bench.cu", KERNELS, Map.of(), archOf(device));
        CUmodule module = WorkerGeneration.linkPtx(List.of(((Nvrtc.Result.Compiled) compiled).ptx()));
        CUstream stream = new CUstream();
        JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        for (int n : sizes) {
            AddPool pool = AddPool.create(new Random(n), n);
            CUdeviceptr[][] buffers = new CUdeviceptr[POOL][3];
            for (int p = 0; p < POOL; p++) {
                buffers[p][0] = upload(pool.a[p]);
                buffers[p][1] = upload(pool.b[p]);
                buffers[p][2] = upload(new float[n]);
            }
            CUfunction add = function(module, "bench_add");
            Pointer[] params = new Pointer[OPS];
            for (int op = 0; op < OPS; op++) {
                CUdeviceptr[] t = buffers[op % POOL];
                params[op] = Pointer.to(Pointer.to(t[0]), Pointer.to(t[1]), Pointer.to(t[2]), Pointer.to(new int[]{n}));
            }
            int grid = (n + 255) / 256;
            Runnable launches = () -> {
                for (int op = 0; op < OPS; op++) {
                    JCudaDriver.cuLaunchKernel(add, grid, 1, 1, 256, 1, 1, 0, stream, params[op], null);
                }
            };
            String workload = "A n=" + n;
            poison(buffers, n);
            rows.add(timed(workload, "per-op cuLaunchKernel (baseline)", () -> {
                launches.run();
                JCudaDriver.cuStreamSynchronize(stream);
            }, () -> check(pool, download(buffers, n))));
            CUgraphExec graph = capture(stream, launches);
            poison(buffers, n);
            rows.add(timed(workload, "CUDA Graph replay", () -> {
                JCudaDriver.cuGraphLaunch(graph, stream);
                JCudaDriver.cuStreamSynchronize(stream);
            }, () -> check(pool, download(buffers, n))));
            rows.add(singleOpLatency(workload, "per-op cuLaunchKernel (baseline)", () -> {
                JCudaDriver.cuLaunchKernel(add, grid, 1, 1, 256, 1, 1, 0, stream, params[0], null);
                JCudaDriver.cuStreamSynchronize(stream);
            }));
            JCudaDriver.cuGraphExecDestroy(graph);
            for (CUdeviceptr[] t : buffers) {
                for (CUdeviceptr p : t) {
                    JCudaDriver.cuMemFree(p);
                }
            }
        }
        chainBaselines(module, stream);
        JCudaDriver.cuCtxDestroy(context);
        JCudaDriver.setExceptionsEnabled(false);
    }

    private void chainBaselines(CUmodule module, CUstream stream) throws Exception {
        ChainWorkload w = ChainWorkload.create(new Random(2), 2048, 1000);
        int n = 2048;
        CUdeviceptr x = upload(w.x()), b = upload(w.b()), c = upload(w.c()), d = upload(w.d());
        CUfunction[] fns = {function(module, "bench_add"), function(module, "bench_mul"), function(module, "bench_relu"),
                function(module, "bench_sigmoid"), function(module, "bench_div")};
        CUdeviceptr[] second = {b, c, x, x, d};
        Pointer[] params = new Pointer[5];
        for (int k = 0; k < 5; k++) {
            params[k] = Pointer.to(Pointer.to(x), Pointer.to(second[k]), Pointer.to(x), Pointer.to(new int[]{n}));
        }
        Runnable chain = () -> {
            for (int s = 0; s < w.steps(); s++) {
                for (int k = 0; k < 5; k++) {
                    JCudaDriver.cuLaunchKernel(fns[k], (n + 255) / 256, 1, 1, 256, 1, 1, 0, stream, params[k], null);
                }
            }
        };
        Runnable reset = () -> JCudaDriver.cuMemcpyHtoD(x, Pointer.to(w.x()), 4L * n);
        String workload = "B chain x1000, n=2048";
        rows.add(timedWithReset(workload, "per-op cuLaunchKernel (baseline)", 5 * w.steps(), reset, () -> {
            chain.run();
            JCudaDriver.cuStreamSynchronize(stream);
        }, () -> checkChain(w, downloadOne(x, n))));
        CUgraphExec graph = capture(stream, chain);
        rows.add(timedWithReset(workload, "CUDA Graph replay", 5 * w.steps(), reset, () -> {
            JCudaDriver.cuGraphLaunch(graph, stream);
            JCudaDriver.cuStreamSynchronize(stream);
        }, () -> checkChain(w, downloadOne(x, n))));
        JCudaDriver.cuGraphExecDestroy(graph);
        for (CUdeviceptr p : new CUdeviceptr[]{x, b, c, d}) {
            JCudaDriver.cuMemFree(p);
        }
    }

    private static CUgraphExec capture(CUstream stream, Runnable launches) {
        CUgraph graph = new CUgraph();
        JCudaDriver.cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        launches.run();
        JCudaDriver.cuStreamEndCapture(stream, graph);
        CUgraphExec exec = new CUgraphExec();
        JCudaDriver.cuGraphInstantiate(exec, graph, 0);
        JCudaDriver.cuGraphDestroy(graph);
        return exec;
    }

    // ---- the persistent worker ----

    private void persistent(CudaDevice.Config config) throws Exception {
        try (CudaDevice gpu = CudaDevice.open(config, nvrtc)) {
            System.out.println("# persistent worker: " + gpu.info());
            System.out.println("# first install: " + gpu.install(OperatorSpec.elementwise("add", 2, ExprParser.parse("(add x0 x1)")), true)
                    .compileNanos() / 1e6 + " ms");
            int blocks = gpu.info().workers();
            for (int n : sizes) {
                AddPool pool = AddPool.create(new Random(n), n);
                long[][] handles = new long[POOL][3];
                for (int p = 0; p < POOL; p++) {
                    for (int k = 0; k < 3; k++) {
                        handles[p][k] = gpu.allocate(DType.F32, n);
                    }
                    gpu.write(handles[p][0], 0, pool.a[p]);
                    gpu.write(handles[p][1], 0, pool.b[p]);
                }
                List<Launch> all = new ArrayList<>();
                for (int op = 0; op < OPS; op++) {
                    long[] t = handles[op % POOL];
                    all.add(Launch.elementwise("add", new long[]{n}, List.of(dense(t[0]), dense(t[1])), dense(t[2])));
                }
                int perTask = (OPS + blocks - 1) / blocks;
                List<List<Launch>> batches = new ArrayList<>();
                for (int i = 0; i < OPS; i += perTask) {
                    batches.add(all.subList(i, Math.min(OPS, i + perTask)));
                }
                String workload = "A n=" + n;
                System.out.println("# " + workload + ": tensors written");
                poison(gpu, handles, n);
                rows.add(timed(workload, "persistent worker, batched (" + perTask + " launches/task)", () -> runAll(gpu, batches),
                        () -> check(pool, read(gpu, handles, n))));
                List<List<Launch>> singles = all.stream().map(List::of).toList();
                poison(gpu, handles, n);
                rows.add(timed(workload, "persistent worker, per-op submit", () -> runAll(gpu, singles),
                        () -> check(pool, read(gpu, handles, n))));
                rows.add(singleOpLatency(workload, "persistent worker, per-op submit", () -> runAll(gpu, List.of(List.of(all.get(0))))));
                for (long[] t : handles) {
                    for (long h : t) {
                        gpu.free(h);
                    }
                }
            }
            chainPersistent(gpu);
            installLatency(gpu);
            System.out.println("# device stats after the run: " + gpu.stats());
        }
    }

    private void chainPersistent(CudaDevice gpu) throws Exception {
        ChainWorkload w = ChainWorkload.create(new Random(2), 2048, 1000);
        int n = 2048;
        for (OperatorSpec spec : ChainWorkload.stepOperators("chain.")) {
            gpu.install(spec, true);
        }
        gpu.install(OperatorSpec.elementwise("chain.fused", 4, ExprParser.parse("(div (sigmoid (relu (mul (add x0 x1) x2))) x3)")), true);
        long x = gpu.allocate(DType.F32, n), b = gpu.allocate(DType.F32, n), c = gpu.allocate(DType.F32, n), d = gpu.allocate(DType.F32, n);
        gpu.write(b, 0, w.b());
        gpu.write(c, 0, w.c());
        gpu.write(d, 0, w.d());
        TensorArg X = dense(x), B = dense(b), C = dense(c), D = dense(d);
        List<Launch> unfused = w.launches("chain.", X, B, C, D);
        List<Launch> fused = new ArrayList<>();
        for (int s = 0; s < w.steps(); s++) {
            fused.add(Launch.elementwise("chain.fused", new long[]{n}, List.of(X, B, C, D), X));
        }
        String workload = "B chain x1000, n=2048";
        Runnable reset = () -> gpu.write(x, 0, w.x());
        rows.add(timedWithReset(workload, "persistent worker, one task (5,000 launches)", 5 * w.steps(), reset,
                () -> runAll(gpu, List.of(unfused)), () -> checkChain(w, gpu.read(x, 0, n))));
        rows.add(timedWithReset(workload, "persistent worker, one task, fused (1,000 launches)", 5 * w.steps(), reset,
                () -> runAll(gpu, List.of(fused)), () -> checkChain(w, gpu.read(x, 0, n))));
    }

    private void installLatency(CudaDevice gpu) {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            nanos.add(gpu.install(OperatorSpec.elementwise("install." + i, 2, ExprParser.parse("(add (mul x0 " + i + ") x1)")), true)
                    .compileNanos());
        }
        List<Long> sorted = nanos.stream().sorted().toList();
        System.out.printf("# operator install (NVRTC compile + cuLink of the generation + drain-and-switch), 20 installs: p50 %.1f ms, "
                        + "p99 %.1f ms, first %.1f ms, last %.1f ms; %d generations built%n", sorted.get(10) / 1e6, sorted.get(19) / 1e6,
                nanos.get(0) / 1e6, nanos.get(19) / 1e6, gpu.generations());
    }

    private static void runAll(CudaDevice gpu, List<List<Launch>> tasks) {
        List<CompletableFuture<TaskOutcome>> outcomes = new ArrayList<>(tasks.size());
        for (List<Launch> task : tasks) {
            TaskQueue.Submission s;
            while ((s = gpu.submit(task)) instanceof TaskQueue.Submission.Full) {
                Thread.onSpinWait();
            }
            outcomes.add(((TaskQueue.Submission.Accepted) s).outcome());
        }
        for (CompletableFuture<TaskOutcome> o : outcomes) {
            TaskOutcome outcome;
            try {
                outcome = o.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (!(outcome instanceof TaskOutcome.Done)) {
                throw new IllegalStateException("task failed: " + outcome);
            }
        }
    }

    // ---- timing and checking ----

    private interface Check {
        void run() throws Exception;
    }

    private Row timed(String workload, String arm, Runnable round, Check check) throws Exception {
        return timedWithReset(workload, arm, OPS, () -> { }, round, check);
    }

    private Row timedWithReset(String workload, String arm, int ops, Runnable reset, Runnable round, Check check) throws Exception {
        reset.run();
        round.run();
        check.run(); // the first round's outputs, written over poisoned memory, must be right
        for (int i = 0; i < WARMUP; i++) {
            reset.run();
            round.run();
        }
        long[] times = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            reset.run();
            long start = System.nanoTime();
            round.run();
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        Row row = new Row(workload, arm, ops * 1e9 / times[ROUNDS / 2], Double.NaN, Double.NaN);
        System.out.printf("%-24s %-58s %,14.0f ops/s (round median %.3f ms, min %.3f, max %.3f)%n", workload, arm, row.opsPerSecond(),
                times[ROUNDS / 2] / 1e6, times[0] / 1e6, times[ROUNDS - 1] / 1e6);
        return row;
    }

    private static Row singleOpLatency(String workload, String arm, Runnable op) {
        for (int i = 0; i < 500; i++) {
            op.run();
        }
        long[] times = new long[2000];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            op.run();
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        Row row = new Row(workload, arm + ", one op closed-loop", Double.NaN, times[1000] / 1e3, times[1980] / 1e3);
        System.out.printf("%-24s %-58s latency p50 %.1f us, p99 %.1f us%n", workload, row.arm(), row.p50Micros(), row.p99Micros());
        return row;
    }

    private void print() {
        System.out.println();
        System.out.println("| workload | arm | ops/s | vs per-op launch | vs CUDA Graph | one-op p50 µs | one-op p99 µs |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            double launch = base(r.workload(), "per-op cuLaunchKernel (baseline)");
            double graph = base(r.workload(), "CUDA Graph replay");
            System.out.printf("| %s | %s | %s | %s | %s | %s | %s |%n", r.workload(), r.arm(),
                    Double.isNaN(r.opsPerSecond()) ? "" : String.format("%,.0f", r.opsPerSecond()),
                    Double.isNaN(r.opsPerSecond()) ? "" : String.format("%.2f×", r.opsPerSecond() / launch),
                    Double.isNaN(r.opsPerSecond()) ? "" : String.format("%.2f×", r.opsPerSecond() / graph),
                    Double.isNaN(r.p50Micros()) ? "" : String.format("%.1f", r.p50Micros()),
                    Double.isNaN(r.p99Micros()) ? "" : String.format("%.1f", r.p99Micros()));
        }
    }

    private double base(String workload, String arm) {
        return rows.stream().filter(r -> r.workload().equals(workload) && r.arm().equals(arm)).mapToDouble(Row::opsPerSecond)
                .findFirst().orElse(Double.NaN);
    }

    /** Workload A's inputs: 64 pairs of tensors of n elements, and their sums computed here. */
    private record AddPool(float[][] a, float[][] b, float[][] sum) {
        static AddPool create(Random random, int n) {
            float[][] a = new float[POOL][], b = new float[POOL][], sum = new float[POOL][n];
            for (int p = 0; p < POOL; p++) {
                a[p] = ChainWorkload.gaussian(random, n);
                b[p] = ChainWorkload.gaussian(random, n);
                for (int i = 0; i < n; i++) {
                    sum[p][i] = a[p][i] + b[p][i];
                }
            }
            return new AddPool(a, b, sum);
        }
    }

    private static void check(AddPool pool, float[][] outputs) {
        for (int p = 0; p < POOL; p++) {
            if (!Arrays.equals(outputs[p], pool.sum()[p])) {
                throw new IllegalStateException("output " + p + " differs from the host's sums");
            }
        }
    }

    private static void checkChain(ChainWorkload w, float[] out) {
        for (int i = 0; i < out.length; i++) {
            if (!(Math.abs(out[i] - w.expected()[i]) <= 1e-5)) {
                throw new IllegalStateException("chain element " + i + ": " + out[i] + " vs " + w.expected()[i]);
            }
        }
    }

    private static TensorArg dense(long handle) {
        return new TensorArg(handle, DType.F32, new long[]{1}, 0);
    }

    private static void poison(CudaDevice gpu, long[][] handles, int n) {
        float[] nan = new float[n];
        Arrays.fill(nan, Float.NaN);
        for (long[] t : handles) {
            gpu.write(t[2], 0, nan);
        }
    }

    private static float[][] read(CudaDevice gpu, long[][] handles, int n) {
        float[][] out = new float[POOL][];
        for (int p = 0; p < POOL; p++) {
            out[p] = gpu.read(handles[p][2], 0, n);
        }
        return out;
    }

    private static void poison(CUdeviceptr[][] buffers, int n) {
        float[] nan = new float[n];
        Arrays.fill(nan, Float.NaN);
        for (CUdeviceptr[] t : buffers) {
            JCudaDriver.cuMemcpyHtoD(t[2], Pointer.to(nan), 4L * n);
        }
    }

    private static float[][] download(CUdeviceptr[][] buffers, int n) {
        float[][] out = new float[POOL][];
        for (int p = 0; p < POOL; p++) {
            out[p] = downloadOne(buffers[p][2], n);
        }
        return out;
    }

    private static float[] downloadOne(CUdeviceptr pointer, int n) {
        float[] out = new float[n];
        JCudaDriver.cuMemcpyDtoH(Pointer.to(out), pointer, 4L * n);
        return out;
    }

    private static CUdeviceptr upload(float[] values) {
        CUdeviceptr pointer = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(pointer, 4L * values.length);
        JCudaDriver.cuMemcpyHtoD(pointer, Pointer.to(values), 4L * values.length);
        return pointer;
    }

    private static CUfunction function(CUmodule module, String name) {
        CUfunction f = new CUfunction();
        JCudaDriver.cuModuleGetFunction(f, module, name);
        return f;
    }

    private static String archOf(CUdevice device) {
        int[] major = new int[1], minor = new int[1];
        JCudaDriver.cuDeviceGetAttribute(major, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        JCudaDriver.cuDeviceGetAttribute(minor, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        return "compute_" + major[0] + minor[0];
    }
}
