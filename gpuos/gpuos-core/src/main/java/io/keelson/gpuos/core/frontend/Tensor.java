package io.keelson.gpuos.core.frontend;

import io.keelson.gpuos.core.ir.BinaryOp;
import io.keelson.gpuos.core.ir.Expr;
import io.keelson.gpuos.core.ir.ReduceKind;
import io.keelson.gpuos.core.ir.UnaryOp;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorView;

import java.util.Arrays;
import java.util.List;

/**
 * A tensor of a {@link Session}: either on the device ({@code storage}) or a recorded computation not
 * run yet ({@code node}). Operations only record; {@link Session#flush} runs what is pending as one
 * batch, fusing element-wise chains. Tensors are immutable values, so a fused-away intermediate can
 * always be recomputed from its inputs if it is read later.
 */
public final class Tensor {

    /** Where a computed tensor lives: a device handle and how its dimensions map to elements. */
    record Storage(long handle, long[] strides, long offset) {
    }

    enum Kind { ELEMENTWISE, REDUCE }

    /** A recorded computation: a body over the operands, run over {@code iteration}. */
    record Node(Kind kind, Expr body, List<Operand> operands, long[] iteration, ReduceKind reduce, int axis) {
    }

    private final Session session;
    private final DType dtype;
    private final long[] shape;
    private Storage storage;
    private Node node;

    Tensor(Session session, DType dtype, long[] shape, Storage storage, Node node) {
        this.session = session;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.storage = storage;
        this.node = node;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    long[] shapeArray() {
        return shape;
    }

    public long numel() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    Session session() {
        return session;
    }

    boolean isComputed() {
        return storage != null;
    }

    Storage storage() {
        return storage;
    }

    Node node() {
        return node;
    }

    void computed(Storage where) {
        this.storage = where;
        this.node = null;
    }

    // ---- element-wise arithmetic (NumPy broadcasting) ----

    public Tensor add(Tensor other) {
        return binary(BinaryOp.ADD, other);
    }

    public Tensor sub(Tensor other) {
        return binary(BinaryOp.SUB, other);
    }

    public Tensor mul(Tensor other) {
        return binary(BinaryOp.MUL, other);
    }

    public Tensor div(Tensor other) {
        return binary(BinaryOp.DIV, other);
    }

    public Tensor max(Tensor other) {
        return binary(BinaryOp.MAX, other);
    }

    public Tensor min(Tensor other) {
        return binary(BinaryOp.MIN, other);
    }

    public Tensor pow(Tensor other) {
        return binary(BinaryOp.POW, other);
    }

    public Tensor gt(Tensor other) {
        return binary(BinaryOp.GT, other);
    }

    public Tensor lt(Tensor other) {
        return binary(BinaryOp.LT, other);
    }

    public Tensor add(float c) {
        return scalar(BinaryOp.ADD, c);
    }

    public Tensor sub(float c) {
        return scalar(BinaryOp.SUB, c);
    }

    public Tensor mul(float c) {
        return scalar(BinaryOp.MUL, c);
    }

    public Tensor div(float c) {
        return scalar(BinaryOp.DIV, c);
    }

    public Tensor relu() {
        return unary(UnaryOp.RELU);
    }

    public Tensor sigmoid() {
        return unary(UnaryOp.SIGMOID);
    }

    public Tensor tanh() {
        return unary(UnaryOp.TANH);
    }

    public Tensor exp() {
        return unary(UnaryOp.EXP);
    }

    public Tensor log() {
        return unary(UnaryOp.LOG);
    }

    public Tensor neg() {
        return unary(UnaryOp.NEG);
    }

    public Tensor abs() {
        return unary(UnaryOp.ABS);
    }

    public Tensor sqrt() {
        return unary(UnaryOp.SQRT);
    }

    public Tensor unary(UnaryOp op) {
        return session.record(dtype, shape, new Node(Kind.ELEMENTWISE, new Expr.Unary(op, Expr.x(0)),
                List.of(Operand.broadcast(this, shape)), shape, null, -1));
    }

    public Tensor binary(BinaryOp op, Tensor other) {
        session.checkSame(this, other, "other");
        if (other.dtype != dtype) {
            throw new IllegalArgumentException("other: dtype " + other.dtype + " differs from " + dtype + "; cast one first");
        }
        long[] iteration = TensorView.broadcastShape(shape, other.shape);
        return session.record(dtype, iteration, new Node(Kind.ELEMENTWISE, new Expr.Binary(op, Expr.x(0), Expr.x(1)),
                List.of(Operand.broadcast(this, iteration), Operand.broadcast(other, iteration)), iteration, null, -1));
    }

    private Tensor scalar(BinaryOp op, float c) {
        return session.record(dtype, shape, new Node(Kind.ELEMENTWISE, new Expr.Binary(op, Expr.x(0), new Expr.Constant(c)),
                List.of(Operand.broadcast(this, shape)), shape, null, -1));
    }

    /** Rounds to {@code to} (nearest even for f16/bf16, towards zero for i32). */
    public Tensor cast(DType to) {
        return session.record(to, shape, new Node(Kind.ELEMENTWISE, new Expr.Cast(to, Expr.x(0)),
                List.of(Operand.broadcast(this, shape)), shape, null, -1));
    }

    // ---- reductions along one axis ----

    public Tensor sum(int axis, boolean keepDim) {
        return reduce(ReduceKind.SUM, axis, keepDim);
    }

    public Tensor mean(int axis, boolean keepDim) {
        return reduce(ReduceKind.MEAN, axis, keepDim);
    }

    public Tensor max(int axis, boolean keepDim) {
        return reduce(ReduceKind.MAX, axis, keepDim);
    }

    public Tensor min(int axis, boolean keepDim) {
        return reduce(ReduceKind.MIN, axis, keepDim);
    }

    public Tensor reduce(ReduceKind kind, int axis, boolean keepDim) {
        int a = axis(axis);
        return session.record(dtype, reducedShape(shape, a, keepDim), new Node(Kind.REDUCE, Expr.x(0),
                List.of(Operand.broadcast(this, shape)), shape, kind, a));
    }

    /** {@code this[m,k] @ other[k,n]}: one launch, a product summed along {@code k} over the iteration space [m, n, k]. */
    public Tensor matmul(Tensor other) {
        session.checkSame(this, other, "other");
        if (shape.length != 2 || other.shape.length != 2 || shape[1] != other.shape[0]) {
            throw new IllegalArgumentException("other: matmul needs [m,k] @ [k,n], got " + Arrays.toString(shape) + " @ "
                    + Arrays.toString(other.shape));
        }
        if (other.dtype != dtype) {
            throw new IllegalArgumentException("other: dtype " + other.dtype + " differs from " + dtype);
        }
        long[] iteration = {shape[0], other.shape[1], shape[1]};
        return session.record(dtype, new long[]{shape[0], other.shape[1]}, new Node(Kind.REDUCE,
                new Expr.Binary(BinaryOp.MUL, Expr.x(0), Expr.x(1)),
                List.of(new Operand(this, new int[]{0, -1, 1}), new Operand(other, new int[]{-1, 1, 0})),
                iteration, ReduceKind.SUM, 2));
    }

    /** Swaps two dimensions: a view when computed, a copy of a pending tensor otherwise. */
    public Tensor transpose(int d0, int d1) {
        int a = axis(d0);
        int b = axis(d1);
        long[] swapped = shape.clone();
        swapped[a] = shape[b];
        swapped[b] = shape[a];
        int[] map = new int[shape.length];
        for (int d = 0; d < map.length; d++) {
            map[d] = d == a ? b : d == b ? a : d;
        }
        if (storage != null) {
            long[] strides = storage.strides().clone();
            strides[a] = storage.strides()[b];
            strides[b] = storage.strides()[a];
            return new Tensor(session, dtype, swapped, new Storage(storage.handle(), strides, storage.offset()), null);
        }
        return session.record(dtype, swapped, new Node(Kind.ELEMENTWISE, Expr.x(0), List.of(new Operand(this, map)), swapped, null, -1));
    }

    /** The values in row-major order, running what is pending first. */
    public float[] read() {
        return session.read(this);
    }

    private int axis(int axis) {
        int a = axis < 0 ? axis + shape.length : axis;
        if (a < 0 || a >= shape.length) {
            throw new IllegalArgumentException("axis: " + axis + " is outside a " + shape.length + "-dimensional tensor");
        }
        return a;
    }

    private static long[] reducedShape(long[] shape, int axis, boolean keepDim) {
        if (keepDim) {
            long[] kept = shape.clone();
            kept[axis] = 1;
            return kept;
        }
        long[] dropped = new long[shape.length - 1];
        for (int d = 0, k = 0; d < shape.length; d++) {
            if (d != axis) {
                dropped[k++] = shape[d];
            }
        }
        return dropped;
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape) + (storage != null ? " on device" : " pending");
    }
}
