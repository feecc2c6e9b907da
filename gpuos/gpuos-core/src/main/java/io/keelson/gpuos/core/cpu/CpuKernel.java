package io.keelson.gpuos.core.cpu;

import io.keelson.gpuos.core.device.LaunchCodec;
import io.keelson.gpuos.core.ir.ReduceKind;
import io.keelson.gpuos.core.tensor.TensorBuffer;
import io.keelson.gpuos.core.tensor.TensorView;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Runs compiled operators over tensor views on one CPU worker thread (it owns its register frame and
 * walk arrays, so use one kernel per thread; nothing is allocated per launch). Every view of a task has
 * the task's iteration shape: inputs broadcast to it (stride 0), and for a reduction the output has
 * stride 0 along the reduced axis.
 *
 * <p>Before running, dimensions that are contiguous in every view are merged, so a dense task is one
 * long run of bulk copies whatever its rank. A reduction moves its axis innermost, evaluates the body
 * over blocks of consecutive rows and folds each row into one output element.
 */
public final class CpuKernel {

    private static final int OPERANDS = LaunchCodec.MAX_OPERANDS;

    private final StridedCopy copy = new StridedCopy();
    private float[][] frame = new float[0][];
    private final float[] rows = new float[CpuProgram.BLOCK];
    // the merged walk: one shape, and per operand (inputs, then the output) strides and an offset
    private int rank;
    private final long[] shape = new long[TensorView.MAX_DIMS];
    private final long[][] strides = new long[OPERANDS][TensorView.MAX_DIMS];
    private final long[] offsets = new long[OPERANDS];
    private final int[] order = new int[TensorView.MAX_DIMS];
    // the launch as given, before merging
    private int rawRank;
    private final long[] rawShape = new long[TensorView.MAX_DIMS];
    private final long[][] rawStrides = new long[OPERANDS][TensorView.MAX_DIMS];
    private final long[] rawOffsets = new long[OPERANDS];

    /** Element-wise: {@code out[i] = body(inputs[i])} for every element of the iteration shape. */
    public void map(CpuProgram program, TensorView[] inputs, TensorBuffer[] buffers, TensorView out, TensorBuffer outBuffer) {
        load(inputs, out);
        map(program, inputs.length, buffers, outBuffer);
    }

    /**
     * Runs the launch encoded at {@code at} (a {@link LaunchCodec} layout) on the given buffers; each
     * operand's walk is checked against its buffer first, so no launch can touch memory outside them.
     */
    public void run(CpuProgram program, ByteBuffer launch, int at, TensorBuffer[] buffers, TensorBuffer outBuffer) {
        int inputs = buffers.length;
        rawRank = LaunchCodec.rank(launch, at);
        for (int d = 0; d < rawRank; d++) {
            rawShape[d] = LaunchCodec.size(launch, at, d);
        }
        for (int i = 0; i <= inputs; i++) {
            int operand = i < inputs ? i : LaunchCodec.OUTPUT;
            TensorBuffer buffer = i < inputs ? buffers[i] : outBuffer;
            rawOffsets[i] = LaunchCodec.offset(launch, at, operand);
            for (int d = 0; d < rawRank; d++) {
                rawStrides[i][d] = LaunchCodec.stride(launch, at, operand, d);
            }
            checkInside(i, buffer);
        }
        int axis = LaunchCodec.reduceAxis(launch, at);
        Optional<ReduceKind> reduction = program.spec().reduction();
        if (reduction.isPresent()) {
            reduce(program, reduction.get(), axis, inputs, buffers, outBuffer);
        } else {
            map(program, inputs, buffers, outBuffer);
        }
    }

    private void checkInside(int operand, TensorBuffer buffer) {
        long last = rawOffsets[operand];
        boolean empty = false;
        for (int d = 0; d < rawRank; d++) {
            if (rawShape[d] < 0 || rawStrides[operand][d] < 0) {
                throw new IllegalArgumentException("operand " + operand + ": negative size or stride in dimension " + d);
            }
            empty |= rawShape[d] == 0;
            if (rawShape[d] > 0) {
                last = Math.addExact(last, Math.multiplyExact(rawShape[d] - 1, rawStrides[operand][d]));
            }
        }
        if (rawOffsets[operand] < 0 || (!empty && last >= buffer.elements())) {
            throw new IllegalArgumentException("operand " + operand + " reaches element " + last + " of a tensor of " + buffer.elements());
        }
    }

    private void map(CpuProgram program, int inputs, TensorBuffer[] buffers, TensorBuffer outBuffer) {
        walk(inputs, -1);
        int o = inputs;
        float[][] regs = frameFor(program);
        program.prepare(regs);
        float[] result = regs[program.resultRegister()];
        long total = 1;
        for (int d = 0; d < rank; d++) {
            total *= shape[d];
        }
        for (long start = 0; start < total; start += CpuProgram.BLOCK) {
            int count = (int) Math.min(CpuProgram.BLOCK, total - start);
            load(program, buffers, regs, start, count);
            program.run(regs, count);
            copy.transfer(rank, shape, strides[o], offsets[o], outBuffer, start, count, result, true);
        }
    }

    /**
     * Reduction along {@code axis}: {@code out[..] = fold(body(inputs[.., k, ..]) for k along axis)}.
     * The output view has the iteration shape with stride 0 on {@code axis}.
     */
    public void reduce(CpuProgram program, ReduceKind kind, int axis, TensorView[] inputs, TensorBuffer[] buffers,
                       TensorView out, TensorBuffer outBuffer) {
        load(inputs, out);
        reduce(program, kind, axis, inputs.length, buffers, outBuffer);
    }

    private void reduce(CpuProgram program, ReduceKind kind, int axis, int inputs, TensorBuffer[] buffers, TensorBuffer outBuffer) {
        walk(inputs, axis);
        int o = inputs;
        int outerRank = rank - 1;
        long length = shape[outerRank];
        long rowCount = 1;
        for (int d = 0; d < outerRank; d++) {
            rowCount *= shape[d];
        }
        if (length == 0) {
            float empty = kind.finish(kind.identity(), 0);
            for (long r = 0; r < rowCount; r += rows.length) {
                int n = (int) Math.min(rows.length, rowCount - r);
                Arrays.fill(rows, 0, n, empty);
                copy.transfer(outerRank, shape, strides[o], offsets[o], outBuffer, r, n, rows, true);
            }
            return;
        }
        float[][] regs = frameFor(program);
        program.prepare(regs);
        float[] values = regs[program.resultRegister()];
        long total = rowCount * length;
        float acc = kind.identity();
        long inRow = 0;
        int pending = 0;
        long firstPendingRow = 0;
        for (long start = 0; start < total; start += CpuProgram.BLOCK) {
            int count = (int) Math.min(CpuProgram.BLOCK, total - start);
            load(program, buffers, regs, start, count);
            program.run(regs, count);
            for (int i = 0; i < count; i++) {
                acc = kind.combine(acc, values[i]);
                if (++inRow == length) {
                    rows[pending++] = kind.finish(acc, length);
                    acc = kind.identity();
                    inRow = 0;
                    if (pending == rows.length) {
                        copy.transfer(outerRank, shape, strides[o], offsets[o], outBuffer, firstPendingRow, pending, rows, true);
                        firstPendingRow += pending;
                        pending = 0;
                    }
                }
            }
        }
        if (pending > 0) {
            copy.transfer(outerRank, shape, strides[o], offsets[o], outBuffer, firstPendingRow, pending, rows, true);
        }
    }

    private void load(CpuProgram program, TensorBuffer[] buffers, float[][] regs, long start, int count) {
        for (int i = 0; i < buffers.length; i++) {
            if (program.reads(i)) {
                copy.transfer(rank, shape, strides[i], offsets[i], buffers[i], start, count, regs[i], false);
            }
        }
    }

    private float[][] frameFor(CpuProgram program) {
        if (frame.length < program.registers()) {
            float[][] grown = Arrays.copyOf(frame, program.registers());
            for (int r = frame.length; r < grown.length; r++) {
                grown[r] = new float[CpuProgram.BLOCK];
            }
            frame = grown;
        }
        return frame;
    }

    private void load(TensorView[] inputs, TensorView out) {
        rawRank = out.rank();
        for (int d = 0; d < rawRank; d++) {
            rawShape[d] = out.size(d);
        }
        for (int i = 0; i <= inputs.length; i++) {
            TensorView v = i < inputs.length ? inputs[i] : out;
            rawOffsets[i] = v.offset();
            for (int d = 0; d < rawRank; d++) {
                rawStrides[i][d] = v.stride(d);
            }
        }
    }

    /**
     * Builds the walk from the raw one: the reduced axis (if any, {@code axis >= 0}) moved innermost, and
     * every pair of neighbouring dimensions merged where all operands step through them as one.
     * Operands are the inputs, then the output at index {@code inputs}.
     */
    private void walk(int inputs, int axis) {
        int operands = inputs + 1;
        int full = rawRank;
        for (int d = 0, k = 0; d < full; d++) {
            if (d != axis) {
                order[k++] = d;
            }
        }
        if (axis >= 0) {
            order[full - 1] = axis;
        }
        int outer = axis >= 0 ? full - 1 : full; // the reduced axis is never merged
        int merged = 0;
        for (int k = 0; k < full; k++) {
            int d = order[k];
            long size = rawShape[d];
            boolean mergeable = merged > 0 && k < outer;
            for (int i = 0; i < operands && mergeable; i++) {
                mergeable = strides[i][merged - 1] == rawStrides[i][d] * size;
            }
            if (mergeable) {
                shape[merged - 1] *= size;
            } else {
                shape[merged++] = size;
            }
            for (int i = 0; i < operands; i++) {
                strides[i][merged - 1] = rawStrides[i][d];
            }
        }
        System.arraycopy(rawOffsets, 0, offsets, 0, operands);
        rank = merged;
    }
}
