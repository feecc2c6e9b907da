package io.keelson.gpuos.core.cpu;

import io.keelson.gpuos.core.device.DeviceInfo;
import io.keelson.gpuos.core.device.DeviceOperators;
import io.keelson.gpuos.core.device.OperatorDevice;
import io.keelson.gpuos.core.device.DeviceStats;
import io.keelson.gpuos.core.device.Launch;
import io.keelson.gpuos.core.device.LaunchCodec;
import io.keelson.gpuos.core.device.LaunchValidator;
import io.keelson.gpuos.core.device.TaskHeader;
import io.keelson.gpuos.core.device.TaskMeter;
import io.keelson.gpuos.core.device.TensorHeap;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.operator.OperatorTable;
import io.keelson.gpuos.core.queue.CpuWorker;
import io.keelson.gpuos.core.queue.TaskOutcome;
import io.keelson.gpuos.core.queue.TaskQueue;
import io.keelson.gpuos.core.queue.TaskRing;
import io.keelson.gpuos.core.queue.Watchdog;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorBuffer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The emulated device: persistent worker threads drain a {@link TaskRing} in a direct buffer, running
 * operators compiled to {@link CpuProgram}s out of a dual-slot {@link OperatorTable}, over tensors in a
 * {@link TensorHeap}. It speaks the same descriptor bytes as the CUDA worker; only the memory and the
 * executor differ. A watchdog relaunches a worker when the heartbeat stops while work waits.
 */
public final class CpuDevice extends OperatorDevice<CpuProgram> {

    public static final String BACKEND = "cpu-emulated";
    private static final Logger LOG = Logger.getLogger(CpuDevice.class.getName());

    /** Sizes and limits of a device. */
    public record Config(int workers, int queueCapacity, long maxTensorBytes, long maxTotalBytes, Duration stallAfter) {
        public static Config defaults() {
            return new Config(Math.max(1, Runtime.getRuntime().availableProcessors()), 4096, 256L << 20, 2L << 30, Duration.ofSeconds(5));
        }
    }

    private final Config config;
    private final TensorHeap<TensorBuffer> heap;
    private final TaskRing ring;
    private final TaskQueue queue;
    private final OperatorTable<CpuProgram> table = operators.table();
    private final Map<Long, ByteBuffer> batches = new ConcurrentHashMap<>();
    private final AtomicLong nextBatch = new AtomicLong(1);
    private final BatchBlocks blocks = new BatchBlocks();
    private final TaskMeter meter = new TaskMeter();
    private final List<CpuWorker> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService housekeeping;
    private final Watchdog watchdog;
    private final AtomicLong relaunches = new AtomicLong();

    public CpuDevice(Config config) {
        super(CpuProgram::spec);
        this.config = config;
        this.heap = TensorHeap.host(config.maxTensorBytes(), config.maxTotalBytes());
        this.ring = new TaskRing(config.queueCapacity());
        this.queue = new TaskQueue(ring);
        for (int i = 0; i < config.workers(); i++) {
            startWorker();
        }
        this.watchdog = new Watchdog(ring, config.stallAfter(), stall -> {
            relaunches.incrementAndGet();
            LOG.warning("gpuos cpu worker stalled (heartbeat " + stall.heartbeat() + " silent for " + stall.silentFor().toMillis()
                    + " ms with " + stall.pendingTasks() + " tasks waiting); starting a replacement");
            startWorker();
        });
        this.housekeeping = meter.housekeeping("gpuos-cpu-watchdog", ring, watchdog);
    }

    private synchronized void startWorker() {
        CpuKernel kernel = new CpuKernel();
        CpuWorker worker = new CpuWorker(ring, queue.completing(new CpuWorker.Task() {
            @Override
            public void run(long ticket, ByteBuffer descriptor) {
                execute(descriptor, kernel);
            }
        }));
        Thread thread = new Thread(worker, "gpuos-cpu-worker-" + threads.size());
        thread.setDaemon(true);
        workers.add(worker);
        threads.add(thread);
        thread.start();
    }

    @Override
    public DeviceInfo info() {
        return new DeviceInfo(0, BACKEND, "cpu-emulated device on " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors() + " host cores, f32 compute", config.workers(), config.maxTotalBytes());
    }

    @Override
    public long allocate(DType dtype, long elements) {
        return heap.allocate(dtype, elements);
    }

    @Override
    public void write(long handle, long offset, float[] values) {
        TensorBuffer buffer = heap.range(handle, offset, values.length);
        buffer.write(offset, 1, values, 0, values.length);
    }

    @Override
    public float[] read(long handle, long offset, int count) {
        TensorBuffer buffer = heap.range(handle, offset, count);
        float[] values = new float[count];
        buffer.read(offset, 1, values, 0, count);
        return values;
    }

    @Override
    public void free(long handle) {
        heap.free(handle);
    }

    @Override
    public Installed install(OperatorSpec spec, boolean activate) {
        long start = System.nanoTime();
        CpuProgram program = CpuProgram.compile(spec);
        long compileNanos = System.nanoTime() - start;
        String log = "compiled " + spec.name() + " to " + program.instructions() + " block instructions over "
                + program.registers() + " registers";
        DeviceOperators.Staged staged = operators.stage(spec.name(), program, activate);
        return new Installed(spec.name(), staged.logical(), staged.epoch(), staged.active(), compileNanos, log);
    }

    @Override
    public TaskQueue.Submission submit(List<Launch> launches) {
        OperatorTable.Binding[] bindings = operators.validateAndBind(launches,
                handle -> heap.find(handle).map(b -> new LaunchValidator.Tensor(b.dtype(), b.elements())));
        long batch = 0;
        if (launches.size() > 1) {
            ByteBuffer block = blocks.take(launches.size() * LaunchCodec.LENGTH);
            for (int i = 0; i < launches.size(); i++) {
                LaunchCodec.write(block, i * LaunchCodec.LENGTH, launches.get(i), bindings[i]);
            }
            batch = nextBatch.getAndIncrement();
            batches.put(batch, block);
        }
        long batchReference = batch;
        long submitted = System.nanoTime();
        TaskQueue.Submission submission = queue.submit((ticket, descriptor) -> {
            if (batchReference == 0) {
                TaskHeader.write(descriptor, TaskHeader.SINGLE, 1, 0);
                LaunchCodec.write(descriptor, TaskHeader.INLINE_LAUNCH, launches.get(0), bindings[0]);
            } else {
                TaskHeader.write(descriptor, TaskHeader.BATCH, launches.size(), batchReference);
            }
        });
        if (submission instanceof TaskQueue.Submission.Accepted accepted) {
            workers.forEach(CpuWorker::wake);
            meter.submitted();
            accepted.outcome().whenComplete((outcome, error) -> meter.completed(System.nanoTime() - submitted, launches.size(),
                    outcome instanceof TaskOutcome.Failed));
        } else {
            table.releaseAll(bindings);
            batches.remove(batchReference);
        }
        return submission;
    }

    /** The worker's side: run one task's launches in order, stop at the first failure, release every binding. */
    private void execute(ByteBuffer descriptor, CpuKernel kernel) {
        ByteBuffer launches;
        int base;
        int count = TaskHeader.count(descriptor);
        if (TaskHeader.kind(descriptor) == TaskHeader.BATCH) {
            launches = batches.remove(TaskHeader.batchReference(descriptor));
            if (launches == null) {
                throw new IllegalStateException("batch block " + TaskHeader.batchReference(descriptor) + " is missing");
            }
            base = 0;
        } else {
            launches = descriptor;
            base = TaskHeader.INLINE_LAUNCH;
        }
        OperatorTable.Binding[] bindings = new OperatorTable.Binding[count];
        for (int i = 0; i < count; i++) {
            bindings[i] = LaunchCodec.binding(launches, base + i * LaunchCodec.LENGTH);
        }
        try {
            CpuProgram program = null;
            for (int i = 0; i < count; i++) {
                if (program == null || !bindings[i].equals(bindings[i - 1])) {
                    OperatorTable.Binding binding = bindings[i];
                    int index = i;
                    program = table.resolve(binding).orElseThrow(() -> new IllegalStateException(
                            "launch " + index + ": operator version " + binding + " is gone"));
                }
                run(launches, base + i * LaunchCodec.LENGTH, kernel, i, program);
            }
        } finally {
            table.releaseAll(bindings);
            if (launches != descriptor) {
                blocks.give(launches);
            }
        }
    }

    private void run(ByteBuffer launches, int at, CpuKernel kernel, int index, CpuProgram program) {
        try {
            int inputs = LaunchCodec.inputCount(launches, at);
            TensorBuffer[] buffers = new TensorBuffer[inputs];
            for (int i = 0; i < inputs; i++) {
                buffers[i] = operand(launches, at, i, "inputs[" + i + "]");
            }
            kernel.run(program, launches, at, buffers, operand(launches, at, LaunchCodec.OUTPUT, "output"));
        } catch (RuntimeException e) {
            throw new IllegalStateException("launch " + index + " (" + program.spec().name() + "): " + e.getMessage(), e);
        }
    }

    private TensorBuffer operand(ByteBuffer launches, int at, int operand, String field) {
        TensorBuffer buffer = heap.get(LaunchCodec.handle(launches, at, operand), field);
        if (buffer.dtype().code() != LaunchCodec.dtypeCode(launches, at, operand)) {
            throw new IllegalArgumentException(field + ": tensor holds " + buffer.dtype() + ", the launch says code "
                    + LaunchCodec.dtypeCode(launches, at, operand));
        }
        return buffer;
    }

    @Override
    public DeviceStats stats() {
        return meter.snapshot(ring, relaunches.get(), heap.count(), heap.usedBytes());
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        ring.requestQuit();
        synchronized (this) {
            workers.forEach(CpuWorker::retire);
            for (Thread t : threads) {
                try {
                    t.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
