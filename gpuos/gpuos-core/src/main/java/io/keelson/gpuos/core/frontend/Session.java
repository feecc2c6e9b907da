package io.keelson.gpuos.core.frontend;

import io.keelson.gpuos.core.device.Device;
import io.keelson.gpuos.core.device.Launch;
import io.keelson.gpuos.core.device.LaunchValidator;
import io.keelson.gpuos.core.device.TensorArg;
import io.keelson.gpuos.core.ir.Expr;
import io.keelson.gpuos.core.queue.TaskOutcome;
import io.keelson.gpuos.core.queue.TaskQueue;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorView;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A recording of tensor operations against one device (not thread-safe: one session per thread).
 * Nothing runs until {@link #flush} (or a {@link Tensor#read}), which computes everything pending as
 * one task: one queue entry for the whole recording, not a launch per operation. Outputs of one flush
 * share one device allocation per dtype (as a caching allocator would), freed when the session closes.
 */
public final class Session implements AutoCloseable {

    /** What a flush did. */
    public record Flushed(int recorded, int launches, int fusedAway, int tasks) {
    }

    private static final long ARENA_ELEMENTS = 1L << 24;

    private final GpuOs gpuos;
    private final Device device;
    private final List<Tensor> recorded = new ArrayList<>();
    private final List<Long> allocations = new ArrayList<>();
    private final List<ArenaCache.Arena> arenas = new ArrayList<>();
    private boolean closed;

    Session(GpuOs gpuos, Device device) {
        this.gpuos = gpuos;
        this.device = device;
    }

    /** An f32 tensor holding {@code values} in row-major order. */
    public Tensor tensor(float[] values, long... shape) {
        return tensor(DType.F32, values, shape);
    }

    /** A tensor of {@code dtype} holding {@code values} (rounded to it) in row-major order. */
    public Tensor tensor(DType dtype, float[] values, long... shape) {
        checkOpen();
        TensorView dense = TensorView.contiguous(dtype, shape);
        if (dense.numel() != values.length) {
            throw new IllegalArgumentException("values: " + values.length + " values for shape " + Arrays.toString(shape));
        }
        long handle = device.allocate(dtype, Math.max(1, values.length));
        allocations.add(handle);
        device.write(handle, 0, values);
        return new Tensor(this, dtype, shape, new Tensor.Storage(handle, dense.strides(), 0), null);
    }

    /**
     * A tensor over memory already on the device (not owned: the session never frees it), seen with
     * {@code shape}, element {@code strides} and {@code offset}.
     */
    public Tensor wrap(long handle, DType dtype, long[] shape, long[] strides, long offset) {
        checkOpen();
        new TensorView(dtype, shape, strides, offset, Long.MAX_VALUE); // checks ranks and signs; the device checks bounds
        return new Tensor(this, dtype, shape, new Tensor.Storage(handle, strides.clone(), offset), null);
    }

    /** {@code condition != 0 ? ifTrue : ifFalse}, element-wise with broadcasting. */
    public Tensor where(Tensor condition, Tensor ifTrue, Tensor ifFalse) {
        checkSame(condition, ifTrue, "ifTrue");
        checkSame(condition, ifFalse, "ifFalse");
        if (ifTrue.dtype() != condition.dtype() || ifFalse.dtype() != condition.dtype()) {
            throw new IllegalArgumentException("ifTrue: where needs one dtype, got " + condition.dtype() + ", " + ifTrue.dtype()
                    + ", " + ifFalse.dtype());
        }
        long[] iteration = TensorView.broadcastShape(TensorView.broadcastShape(condition.shapeArray(), ifTrue.shapeArray()),
                ifFalse.shapeArray());
        return record(ifTrue.dtype(), iteration, new Tensor.Node(Tensor.Kind.ELEMENTWISE,
                new Expr.Select(Expr.x(0), Expr.x(1), Expr.x(2)),
                List.of(Operand.broadcast(condition, iteration), Operand.broadcast(ifTrue, iteration),
                        Operand.broadcast(ifFalse, iteration)), iteration, null, -1));
    }

    /** Runs everything recorded since the last flush, as one task, and waits for it. */
    public Flushed flush() {
        checkOpen();
        List<Tensor> pending = closure(recorded);
        recorded.clear();
        return run(pending);
    }

    float[] read(Tensor t) {
        checkOpen();
        if (!t.isComputed()) {
            List<Tensor> roots = new ArrayList<>(recorded);
            roots.add(t);
            recorded.clear();
            run(closure(roots));
            if (!t.isComputed()) {
                // t was fused into a consumer: compute it on its own now, from inputs that are all computed
                run(closure(List.of(t)));
            }
        }
        Tensor.Storage s = t.storage();
        long[] shape = t.shapeArray();
        long low = s.offset();
        long high = s.offset();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return new float[0];
            }
            high += (shape[d] - 1) * s.strides()[d];
        }
        float[] span = device.read(s.handle(), low, (int) (high - low + 1));
        TensorView view = new TensorView(t.dtype(), shape, s.strides(), 0, span.length);
        float[] values = new float[(int) view.numel()];
        for (int i = 0; i < values.length; i++) {
            values[i] = span[(int) view.offsetOf(i)];
        }
        return values;
    }

    /** The pending tensors {@code roots} need, dependencies first. */
    private static List<Tensor> closure(List<Tensor> roots) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>(roots.size() * 2));
        for (Tensor root : roots) {
            visit(root, seen, order);
        }
        return order;
    }

    private static void visit(Tensor t, Set<Tensor> seen, List<Tensor> order) {
        if (t.isComputed() || !seen.add(t)) {
            return;
        }
        // explicit stack: a long recorded chain must not overflow the Java stack
        List<Tensor> stack = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        stack.add(t);
        next.add(0);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Tensor current = stack.get(top);
            List<Operand> operands = current.node().operands();
            int i = next.get(top);
            if (i < operands.size()) {
                next.set(top, i + 1);
                Tensor child = operands.get(i).tensor();
                if (!child.isComputed() && seen.add(child)) {
                    stack.add(child);
                    next.add(0);
                }
            } else {
                order.add(current);
                stack.remove(top);
                next.remove(top);
            }
        }
    }

    private Flushed run(List<Tensor> pending) {
        if (pending.isEmpty()) {
            return new Flushed(0, 0, 0, 0);
        }
        FusionPlan plan = new FusionPlan(pending);
        Map<Tensor, Tensor.Storage> placed = place(plan.kernels());
        List<Launch> launches = new ArrayList<>(plan.kernels().size());
        for (FusionPlan.Kernel k : plan.kernels()) {
            launches.add(launch(k, placed));
        }
        List<List<Launch>> tasks = split(plan.kernels(), launches);
        List<CompletableFuture<TaskOutcome>> outcomes = new ArrayList<>(tasks.size());
        for (List<Launch> task : tasks) {
            outcomes.add(submit(task));
        }
        for (CompletableFuture<TaskOutcome> outcome : outcomes) {
            await(outcome);
        }
        placed.forEach(Tensor::computed);
        return new Flushed(pending.size(), launches.size(), plan.fusedAway(), tasks.size());
    }

    /** Dense storage for every kernel output, carved out of one allocation per dtype (several if huge). */
    private Map<Tensor, Tensor.Storage> place(List<FusionPlan.Kernel> kernels) {
        Map<DType, long[]> arena = new EnumMap<>(DType.class); // {handle, used, capacity}
        Map<DType, Long> needed = new EnumMap<>(DType.class);
        for (FusionPlan.Kernel k : kernels) {
            needed.merge(k.tensor().dtype(), Math.max(1, k.tensor().numel()), Long::sum);
        }
        Map<Tensor, Tensor.Storage> placed = new IdentityHashMap<>(kernels.size() * 2);
        for (FusionPlan.Kernel k : kernels) {
            Tensor t = k.tensor();
            long n = Math.max(1, t.numel());
            long[] a = arena.get(t.dtype());
            if (a == null || a[1] + n > a[2]) {
                ArenaCache.Arena fresh = gpuos.arenas().take(t.dtype(), Math.max(n, Math.min(needed.get(t.dtype()), ARENA_ELEMENTS)));
                arenas.add(fresh);
                a = new long[]{fresh.handle(), 0, fresh.elements()};
                arena.put(t.dtype(), a);
            }
            needed.merge(t.dtype(), -n, Long::sum);
            placed.put(t, new Tensor.Storage(a[0], TensorView.contiguous(t.dtype(), t.shapeArray()).strides(), a[1]));
            a[1] += n;
        }
        return placed;
    }

    private Launch launch(FusionPlan.Kernel k, Map<Tensor, Tensor.Storage> placed) {
        Tensor t = k.tensor();
        Tensor.Node node = t.node();
        long[] iteration = node.iteration();
        List<TensorArg> inputs = new ArrayList<>(k.leaves().size());
        for (Operand leaf : k.leaves()) {
            Tensor.Storage s = leaf.tensor().isComputed() ? leaf.tensor().storage() : placed.get(leaf.tensor());
            inputs.add(new TensorArg(s.handle(), leaf.tensor().dtype(), leaf.strides(s.strides()), s.offset()));
        }
        Tensor.Storage out = placed.get(t);
        long[] outStrides = new long[iteration.length];
        boolean kept = t.shapeArray().length == iteration.length;
        for (int d = 0, r = 0; d < iteration.length; d++) {
            if (node.kind() == Tensor.Kind.REDUCE && d == node.axis()) {
                outStrides[d] = 0;
                r += kept ? 1 : 0;
            } else {
                outStrides[d] = out.strides()[r++];
            }
        }
        String operator = gpuos.operatorFor(k.body(), k.leaves().size(), Optional.ofNullable(node.reduce()));
        return new Launch(operator, iteration, node.kind() == Tensor.Kind.REDUCE ? node.axis() : -1, inputs,
                new TensorArg(out.handle(), t.dtype(), outStrides, out.offset()));
    }

    /**
     * Groups the launches into tasks that can run at the same time on different workers: kernels that
     * share no data (different connected components of the dataflow) go to different tasks, up to one
     * task per worker, each keeping its launches in recorded order. A dependent chain stays one task.
     */
    private List<List<Launch>> split(List<FusionPlan.Kernel> kernels, List<Launch> launches) {
        int n = kernels.size();
        int[] parent = new int[n];
        Map<Tensor, Integer> producer = new IdentityHashMap<>(n * 2);
        for (int k = 0; k < n; k++) {
            parent[k] = k;
            producer.put(kernels.get(k).tensor(), k);
            for (Operand leaf : kernels.get(k).leaves()) {
                Integer p = producer.get(leaf.tensor());
                if (p != null) {
                    parent[find(parent, k)] = find(parent, p);
                }
            }
        }
        int bins = Math.max(1, Math.min(gpuos.workers(), n));
        Map<Integer, Integer> binOfComponent = new HashMap<>();
        int[] load = new int[bins];
        List<List<Launch>> tasks = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            tasks.add(new ArrayList<>());
        }
        for (int k = 0; k < n; k++) {
            int bin = binOfComponent.computeIfAbsent(find(parent, k), c -> leastLoaded(load));
            load[bin]++;
            tasks.get(bin).add(launches.get(k));
        }
        List<List<Launch>> chunked = new ArrayList<>();
        for (List<Launch> task : tasks) {
            for (int from = 0; from < task.size(); from += LaunchValidator.MAX_LAUNCHES) {
                chunked.add(task.subList(from, Math.min(task.size(), from + LaunchValidator.MAX_LAUNCHES)));
            }
        }
        return chunked;
    }

    private static int find(int[] parent, int k) {
        while (parent[k] != k) {
            parent[k] = parent[parent[k]];
            k = parent[k];
        }
        return k;
    }

    private static int leastLoaded(int[] load) {
        int best = 0;
        for (int b = 1; b < load.length; b++) {
            if (load[b] < load[best]) {
                best = b;
            }
        }
        return best;
    }

    private CompletableFuture<TaskOutcome> submit(List<Launch> launches) {
        TaskQueue.Submission submission;
        int spins = 0;
        while ((submission = device.submit(launches)) instanceof TaskQueue.Submission.Full) {
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000); // the queue is full: wait for the workers to drain it
            }
        }
        return ((TaskQueue.Submission.Accepted) submission).outcome();
    }

    private static void await(CompletableFuture<TaskOutcome> pending) {
        TaskOutcome outcome;
        try {
            outcome = pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a flush", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        if (outcome instanceof TaskOutcome.Failed failed) {
            throw new IllegalStateException("flush failed on the device: " + failed.reason());
        }
    }

    Tensor record(DType dtype, long[] shape, Tensor.Node node) {
        checkOpen();
        Tensor t = new Tensor(this, dtype, shape, null, node);
        recorded.add(t);
        return t;
    }

    void checkSame(Tensor a, Tensor b, String field) {
        if (b.session() != this || a.session() != this) {
            throw new IllegalArgumentException(field + ": tensors of another session");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
    }

    /** Frees every device allocation the session made (outputs go back to the arena cache); its tensors can no longer be read. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (long handle : allocations) {
            device.free(handle);
        }
        allocations.clear();
        arenas.forEach(gpuos.arenas()::give);
        arenas.clear();
    }

}
