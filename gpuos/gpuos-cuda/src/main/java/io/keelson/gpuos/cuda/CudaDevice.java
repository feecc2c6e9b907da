package io.keelson.gpuos.cuda;

import io.keelson.gpuos.core.cuda.CudaCodegen;
import io.keelson.gpuos.core.device.DeviceException;
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
import io.keelson.gpuos.core.queue.TaskLayout;
import io.keelson.gpuos.core.queue.TaskOutcome;
import io.keelson.gpuos.core.queue.TaskQueue;
import io.keelson.gpuos.core.queue.TaskRing;
import io.keelson.gpuos.core.queue.Watchdog;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorBuffer;
import io.keelson.gpuos.core.tensor.TensorStorage;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * The CUDA device (one per process: persistent workers of two contexts would have to time-slice the GPU): one persistent {@code keelson_worker} kernel (a block per SM by default) drains the
 * same {@link TaskRing} bytes the CPU backend uses, here in mapped pinned host memory; operators are
 * compiled from the IR by NVRTC and linked with the worker into a {@link WorkerGeneration}; tensors live
 * in one device allocation ({@link DeviceArena}). While the worker runs, the host makes no call that
 * could synchronise the device (no {@code cuMemFree}, no context synchronisation): copies go through
 * their own non-blocking stream, and freed tensor memory is reused only once every task submitted
 * before the free has completed.
 *
 * <p>Completion: the worker stores {@code ticket + 1} (with a failure bit) into a mapped completion word
 * per ring slot; a host thread watches those words, completes the tasks' futures and counts COMPLETED.
 * A submission holds one of {@code capacity} permits until every earlier ticket has been seen complete,
 * so a completion word is never overwritten before the host has read it.
 */
public final class CudaDevice extends OperatorDevice<CudaOperator> {

    public static final String BACKEND = "cuda";
    private static final Logger LOG = Logger.getLogger(CudaDevice.class.getName());
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long FAILED_BIT = 1L << 62;

    /**
     * Sizes and limits of a device.
     *
     * @param blocks worker blocks; 0 means one per multiprocessor
     * @param arenaBytes device memory taken at start for tensors (the total tensor limit)
     */
    public record Config(int blocks, int threadsPerBlock, int queueCapacity, long maxTensorBytes, long arenaBytes, Duration stallAfter) {
        public static Config defaults() {
            return new Config(0, 256, 4096, 256L << 20, 2L << 30, Duration.ofSeconds(5));
        }

        public Config withBlocks(int blocks) {
            return new Config(blocks, threadsPerBlock, queueCapacity, maxTensorBytes, arenaBytes, stallAfter);
        }

        public Config withQueueCapacity(int queueCapacity) {
            return new Config(blocks, threadsPerBlock, queueCapacity, maxTensorBytes, arenaBytes, stallAfter);
        }

        public Config withArena(long arenaBytes) {
            return new Config(blocks, threadsPerBlock, queueCapacity, maxTensorBytes, arenaBytes, stallAfter);
        }
    }

    /** A tensor's range of the arena: its offset and the device address the worker dereferences. */
    record CudaTensor(DType dtype, int elements, long offset, long address) implements TensorStorage {
        long bytes() {
            return (long) elements * dtype.bytes();
        }
    }

    /** What the host keeps about a submitted task until it sees the task complete. */
    private record Pending(OperatorTable.Binding[] bindings, Optional<PinnedBlock> block, long submittedNanos, int launches) {
    }

    private record DeferredFree(long afterTicket, CudaTensor tensor) {
    }

    private final Config config;
    private final Nvrtc nvrtc;
    private final CUcontext context = new CUcontext();
    private final String name;
    private final String arch;
    private final int multiprocessors;
    private final int blocks;
    private final CUstream workerStream = new CUstream();
    private final CUstream copyStream = new CUstream();
    private final CUdeviceptr arenaBase = new CUdeviceptr();
    private final DeviceArena arena;
    private final TensorHeap<CudaTensor> heap;
    private final PinnedBlock ringMemory;
    private final PinnedBlock completionMemory;
    private final TaskRing ring;
    private final TaskQueue queue;
    private final Semaphore permits;
    private final long[] observed;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final ArrayDeque<DeferredFree> deferredFrees = new ArrayDeque<>();
    private final PinnedBlocks blocksForBatches = new PinnedBlocks(this::current);
    private final OperatorTable<CudaOperator> table = operators.table();
    private final String workerPtx;
    private final AtomicLong versions = new AtomicLong();
    private final AtomicLong relaunches = new AtomicLong();
    private final TaskMeter meter = new TaskMeter();
    private final Object switching = new Object();
    private final Object copying = new Object();
    private final Thread completer;
    private final ScheduledExecutorService housekeeping;
    private final Watchdog watchdog;
    private WorkerGeneration generation;
    private long generations;
    private volatile boolean closed;

    private CudaDevice(Config config, Nvrtc nvrtc) {
        super(CudaOperator::spec);
        this.config = config;
        this.nvrtc = nvrtc;
        JCudaDriver.setExceptionsEnabled(false);
        Cuda.preferEagerLoading();
        Cuda.check(JCudaDriver.cuInit(0), "cuInit");
        CUdevice device = new CUdevice();
        Cuda.check(JCudaDriver.cuDeviceGet(device, 0), "cuDeviceGet");
        byte[] rawName = new byte[256];
        JCudaDriver.cuDeviceGetName(rawName, rawName.length, device);
        this.name = Cuda.cString(rawName);
        int major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        this.arch = "compute_" + major + minor;
        this.multiprocessors = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        if (attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY) == 0) {
            throw new Cuda.CudaFailure(name + " cannot map host memory, which the task ring needs");
        }
        this.blocks = config.blocks() > 0 ? config.blocks() : multiprocessors;
        Cuda.check(JCudaDriver.cuCtxCreate(context, jcuda.driver.CUctx_flags.CU_CTX_MAP_HOST, device), "cuCtxCreate");
        Cuda.check(JCudaDriver.cuStreamCreate(workerStream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate(worker)");
        Cuda.check(JCudaDriver.cuStreamCreate(copyStream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate(copy)");
        Cuda.check(JCudaDriver.cuMemAlloc(arenaBase, config.arenaBytes()), "cuMemAlloc(arena of " + config.arenaBytes() + " bytes)");
        this.arena = new DeviceArena(config.arenaBytes());
        long base = Cuda.address(arenaBase);
        this.heap = new TensorHeap<>(config.maxTensorBytes(), config.arenaBytes(), (dtype, elements) -> {
            long offset = arena.take((long) elements * dtype.bytes());
            return new CudaTensor(dtype, elements, offset, base + offset);
        });
        int capacity = config.queueCapacity();
        this.ringMemory = PinnedBlock.allocate(TaskLayout.ringLength(capacity));
        this.completionMemory = PinnedBlock.allocate(8L * capacity);
        this.ring = new TaskRing(ringMemory.bytes(), capacity);
        this.queue = new TaskQueue(ring);
        this.permits = new Semaphore(capacity);
        this.observed = new long[capacity];
        java.util.Arrays.fill(observed, -1);

        Nvrtc.Result worker = nvrtc.compile(WorkerSource.WORKER_NAME, WorkerSource.worker(), Map.of(WorkerSource.HEADER_NAME,
                WorkerSource.header()), arch);
        if (worker instanceof Nvrtc.Result.Failed failed) {
            throw new Cuda.CudaFailure("NVRTC could not compile the worker: " + failed.log());
        }
        this.workerPtx = ((Nvrtc.Result.Compiled) worker).ptx();
        this.generation = WorkerGeneration.link(generations++, workerPtx, List.of());
        generation.prepare(List.of(), 0, copyStream);
        launchWorker();

        this.completer = new Thread(this::watchCompletions, "gpuos-cuda-completions");
        completer.setDaemon(true);
        completer.start();
        this.watchdog = new Watchdog(ring, config.stallAfter(), stall -> onStall(stall.silentFor()));
        this.housekeeping = meter.housekeeping("gpuos-cuda-watchdog", ring, watchdog);
    }

    /** Opens device 0 with NVRTC; throws {@link Cuda.CudaFailure} (a {@link RuntimeException}) when CUDA refuses. */
    public static CudaDevice open(Config config, Nvrtc nvrtc) {
        return new CudaDevice(config, nvrtc);
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        Cuda.check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }

    private void current() {
        Cuda.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    private void launchWorker() {
        generation.launch(blocks, config.threadsPerBlock(), ringMemory.deviceAddress(), completionMemory.deviceAddress(),
                config.queueCapacity(), workerStream);
    }

    @Override
    public DeviceInfo info() {
        return new DeviceInfo(0, BACKEND, name, arch.replace("compute_", "sm_") + ", " + multiprocessors + " SMs, " + nvrtc,
                blocks, config.arenaBytes());
    }

    @Override
    public long allocate(DType dtype, long elements) {
        return heap.allocate(dtype, elements);
    }

    @Override
    public void write(long handle, long offset, float[] values) {
        CudaTensor tensor = heap.range(handle, offset, values.length);
        TensorBuffer staging = new TensorBuffer(tensor.dtype(), Math.max(1, values.length));
        staging.write(0, 1, values, 0, values.length);
        long bytes = (long) values.length * tensor.dtype().bytes();
        synchronized (copying) {
            current();
            Cuda.check(JCudaDriver.cuMemcpyHtoDAsync(arenaBase.withByteOffset(tensor.offset() + offset * tensor.dtype().bytes()),
                    Pointer.to(staging.bytes()), bytes, copyStream), "cuMemcpyHtoDAsync(tensor)");
            Cuda.check(JCudaDriver.cuStreamSynchronize(copyStream), "cuStreamSynchronize(copy)");
        }
    }

    @Override
    public float[] read(long handle, long offset, int count) {
        CudaTensor tensor = heap.range(handle, offset, count);
        TensorBuffer staging = new TensorBuffer(tensor.dtype(), Math.max(1, count));
        synchronized (copying) {
            current();
            Cuda.check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(staging.bytes()), arenaBase.withByteOffset(tensor.offset()
                    + offset * tensor.dtype().bytes()), (long) count * tensor.dtype().bytes(), copyStream), "cuMemcpyDtoHAsync(tensor)");
            Cuda.check(JCudaDriver.cuStreamSynchronize(copyStream), "cuStreamSynchronize(copy)");
        }
        float[] values = new float[count];
        staging.read(0, 1, values, 0, count);
        return values;
    }

    @Override
    public void free(long handle) {
        CudaTensor tensor = heap.free(handle);
        synchronized (deferredFrees) {
            // tasks already submitted may still read or write it: reuse the range once they have all completed
            deferredFrees.addLast(new DeferredFree(ring.submitted(), tensor));
        }
    }

    @Override
    public Installed install(OperatorSpec spec, boolean activate) {
        long start = System.nanoTime();
        String symbol = CudaCodegen.symbol(spec.name()) + "_v" + versions.incrementAndGet();
        Nvrtc.Result compiled = nvrtc.compile(spec.name() + ".cu", "#include \"" + WorkerSource.HEADER_NAME + "\"\n"
                + CudaCodegen.operator(spec, symbol), Map.of(WorkerSource.HEADER_NAME, WorkerSource.header()), arch);
        if (compiled instanceof Nvrtc.Result.Failed failed) {
            throw DeviceException.invalid("expression", "NVRTC could not compile the operator (the worker keeps running): " + failed.log());
        }
        CudaOperator operator = new CudaOperator(spec, symbol, ((Nvrtc.Result.Compiled) compiled).ptx());
        synchronized (switching) {
            current();
            List<CudaOperator> resident = new ArrayList<>(operators.resident());
            resident.add(operator);
            // linking and loading a generation while the old worker ran hung on an H200 (the driver waits for an idle
            // context), so the worker is drained first and the new generation linked and loaded while it is stopped
            stopWorker();
            WorkerGeneration next;
            DeviceOperators.Staged staged;
            try {
                next = WorkerGeneration.link(generations++, workerPtx, resident);
            } catch (RuntimeException e) {
                restartWorker();
                throw e;
            }
            try {
                staged = operators.stage(spec.name(), operator, activate);
            } catch (RuntimeException e) {
                next.close();
                restartWorker();
                throw e;
            }
            switchTo(next);
            long compileNanos = System.nanoTime() - start;
            String log = "NVRTC " + nvrtc.version() + " compiled " + symbol + " for " + arch + "; linked into " + next
                    + (((Nvrtc.Result.Compiled) compiled).log().isBlank() ? "" : "\n" + ((Nvrtc.Result.Compiled) compiled).log());
            return new Installed(spec.name(), staged.logical(), staged.epoch(), staged.active(), compileNanos, log);
        }
    }

    private List<WorkerGeneration.Placement> placements() {
        List<WorkerGeneration.Placement> placements = new ArrayList<>();
        for (OperatorTable.Entry<CudaOperator> e : table.entries()) {
            int slot = 0;
            for (OperatorTable.SlotState<CudaOperator> s : e.slots()) {
                placements.add(new WorkerGeneration.Placement(2 * e.logical() + slot++, s.epoch(), s.operator()));
            }
        }
        return placements;
    }

    /** Drain: the running worker stops claiming (QUIT) and finishes the tasks it holds; queued tasks wait in the ring. */
    private void stopWorker() {
        ring.requestQuit();
        awaitWorkerExit();
    }

    private void restartWorker() {
        ring.clearQuit();
        launchWorker();
    }

    /**
     * Switch, with the old worker stopped: the new generation gets the table and the old HEAD, then starts where the
     * old one stopped. Every queued task still carries the version it was bound to at submit.
     */
    private void switchTo(WorkerGeneration next) {
        long head = generation.head(copyStream);
        next.prepare(placements(), head, copyStream);
        generation.close();
        generation = next;
        restartWorker();
    }

    private void awaitWorkerExit() {
        long deadline = System.nanoTime() + config.stallAfter().toNanos();
        while (true) {
            int status = JCudaDriver.cuStreamQuery(workerStream);
            if (status == 0) {
                return;
            }
            if (status != jcuda.driver.CUresult.CUDA_ERROR_NOT_READY) {
                Cuda.check(status, "cuStreamQuery(worker)");
            }
            if (System.nanoTime() > deadline) {
                ring.clearQuit();
                throw new Cuda.CudaFailure("the worker did not stop within " + config.stallAfter().toMillis()
                        + " ms (a task is still running)");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    private void onStall(Duration silentFor) {
        synchronized (switching) {
            current();
            if (JCudaDriver.cuStreamQuery(workerStream) == 0) {
                relaunches.incrementAndGet();
                LOG.warning("gpuos cuda worker exited while tasks wait (heartbeat silent " + silentFor.toMillis() + " ms); relaunching "
                        + generation);
                launchWorker();
            } else {
                LOG.warning("gpuos cuda worker heartbeat silent for " + silentFor.toMillis() + " ms while tasks wait; the kernel is "
                        + "still running (a long or hung task), and a running kernel cannot be preempted");
            }
        }
    }

    @Override
    public TaskQueue.Submission submit(List<Launch> launches) {
        OperatorTable.Binding[] bindings = operators.validateAndBind(launches,
                handle -> heap.find(handle).map(t -> new LaunchValidator.Tensor(t.dtype(), t.elements())));
        if (!permits.tryAcquire()) {
            table.releaseAll(bindings);
            return new TaskQueue.Submission.Full();
        }
        Optional<PinnedBlock> block = Optional.empty();
        try {
            if (launches.size() > 1) {
                PinnedBlock b = blocksForBatches.take(launches.size() * LaunchCodec.LENGTH);
                for (int i = 0; i < launches.size(); i++) {
                    encode(b.bytes(), i * LaunchCodec.LENGTH, launches.get(i), bindings[i]);
                }
                block = Optional.of(b);
            }
        } catch (RuntimeException e) {
            table.releaseAll(bindings);
            permits.release();
            throw e;
        }
        Optional<PinnedBlock> batch = block;
        long submitted = System.nanoTime();
        TaskQueue.Submission submission = queue.submit((ticket, descriptor) -> {
            pending.put(ticket, new Pending(bindings, batch, submitted, launches.size()));
            if (batch.isEmpty()) {
                TaskHeader.write(descriptor, TaskHeader.SINGLE, 1, 0);
                encode(descriptor, TaskHeader.INLINE_LAUNCH, launches.get(0), bindings[0]);
            } else {
                TaskHeader.write(descriptor, TaskHeader.BATCH, launches.size(), batch.get().deviceAddress());
            }
        });
        if (submission instanceof TaskQueue.Submission.Accepted) {
            meter.submitted();
            LockSupport.unpark(completer);
        } else {
            table.releaseAll(bindings);
            batch.ifPresent(blocksForBatches::give);
            permits.release();
        }
        return submission;
    }

    /** The launch as the CPU backend encodes it, with each operand's handle replaced by its device address. */
    private void encode(ByteBuffer to, int at, Launch launch, OperatorTable.Binding binding) {
        LaunchCodec.write(to, at, launch, binding);
        for (int i = 0; i < launch.inputs().size(); i++) {
            LaunchCodec.setHandle(to, at, i, heap.get(launch.inputs().get(i).handle(), "inputs").address());
        }
        LaunchCodec.setHandle(to, at, LaunchCodec.OUTPUT, heap.get(launch.output().handle(), "output").address());
    }

    /** The host side of completion: watch the worker's completion words, finish futures, keep permits in ticket order. */
    private void watchCompletions() {
        int capacity = config.queueCapacity();
        long next = 0; // lowest ticket not yet seen complete
        long idleSince = System.nanoTime();
        while (!closed) {
            long tail = ring.submitted();
            boolean progress = false;
            for (long t = next; t < tail; t++) {
                int index = (int) (t & (capacity - 1));
                if (observed[index] == t) {
                    continue;
                }
                long word = (long) LONGS.getAcquire(completionMemory.bytes(), index * 8);
                if ((word & ~FAILED_BIT) == t + 1) {
                    observed[index] = t;
                    finish(t, (word & FAILED_BIT) != 0);
                    progress = true;
                }
            }
            long advanced = 0;
            while (next < tail && observed[(int) (next & (capacity - 1))] == next) {
                next++;
                advanced++;
            }
            if (advanced > 0) {
                ring.countCompleted(advanced);
                permits.release((int) advanced);
                releaseFreedBefore(next);
            }
            if (progress || next < tail) {
                if (progress) {
                    idleSince = System.nanoTime();
                }
                Thread.onSpinWait();
            } else if (System.nanoTime() - idleSince > 1_000_000) {
                LockSupport.parkNanos(200_000); // idle: a submit unparks this thread
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void finish(long ticket, boolean failed) {
        Pending p = pending.remove(ticket);
        if (p == null) {
            return;
        }
        table.releaseAll(p.bindings());
        p.block().ifPresent(blocksForBatches::give);
        meter.completed(System.nanoTime() - p.submittedNanos(), p.launches(), failed);
        queue.complete(ticket, failed
                ? new TaskOutcome.Failed(ticket, "a launch's operator version was not resident in the worker generation")
                : new TaskOutcome.Done(ticket));
    }

    private void releaseFreedBefore(long completedBelow) {
        synchronized (deferredFrees) {
            while (!deferredFrees.isEmpty() && deferredFrees.peekFirst().afterTicket() <= completedBelow) {
                CudaTensor t = deferredFrees.pollFirst().tensor();
                arena.give(t.offset(), t.bytes());
            }
        }
    }

    @Override
    public DeviceStats stats() {
        return meter.snapshot(ring, relaunches.get(), heap.count(), heap.usedBytes());
    }

    /** Worker generations built so far (one at start, one per install). */
    public long generations() {
        synchronized (switching) {
            return generations;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        housekeeping.shutdownNow();
        synchronized (switching) {
            current();
            ring.requestQuit();
            try {
                awaitWorkerExit();
            } catch (RuntimeException e) {
                LOG.warning("gpuos cuda worker did not stop: " + e.getMessage() + "; destroying the context anyway");
            }
            closed = true;
            LockSupport.unpark(completer);
            try {
                completer.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            generation.close();
            blocksForBatches.releaseAll();
            ringMemory.release();
            completionMemory.release();
            JCudaDriver.cuMemFree(arenaBase);
            JCudaDriver.cuCtxDestroy(context);
        }
        pending.keySet().forEach(t -> queue.complete(t, new TaskOutcome.Failed(t, "the device closed before the task ran")));
    }
}
