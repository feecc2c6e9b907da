package io.keelson.gpuos.core.cpu;

import io.keelson.gpuos.core.ir.ReduceKind;
import io.keelson.gpuos.core.tensor.TensorBuffer;
import io.keelson.gpuos.core.tensor.TensorView;

import java.util.Arrays;

/**
 * Runs compiled operators over tensor views on one CPU worker thread (it owns its register frame, so
 * use one kernel per thread). Every view of a task has the task's iteration shape: inputs broadcast
 * to it (stride 0), and for a reduction the output has stride 0 along the reduced axis.
 *
 * <p>Before running, dimensions that are contiguous in every view are merged, so a dense task is one
 * long run of bulk copies whatever its rank. A reduction moves its axis innermost, evaluates the body
 * over blocks of consecutive rows and folds each row into one output element.
 */
public final class CpuKernel {

    private final StridedCopy copy = new StridedCopy();
    private float[][] frame = new float[0][];
    private final float[] rows = new float[CpuProgram.BLOCK];

    /** Element-wise: {@code out[i] = body(inputs[i])} for every element of the iteration shape. */
    public void map(CpuProgram program, TensorView[] inputs, TensorBuffer[] buffers, TensorView out, TensorBuffer outBuffer) {
        TensorView[] views = coalesce(append(inputs, out), -1);
        TensorView target = views[views.length - 1];
        float[][] regs = frameFor(program);
        program.prepare(regs);
        float[] result = regs[program.resultRegister()];
        long total = target.numel();
        for (long start = 0; start < total; start += CpuProgram.BLOCK) {
            int count = (int) Math.min(CpuProgram.BLOCK, total - start);
            load(program, views, buffers, regs, start, count);
            program.run(regs, count);
            copy.store(target, outBuffer, start, count, result);
        }
    }

    /**
     * Reduction along {@code axis}: {@code out[..] = fold(body(inputs[.., k, ..]) for k along axis)}.
     * The output view has the iteration shape with stride 0 on {@code axis}.
     */
    public void reduce(CpuProgram program, ReduceKind kind, int axis, TensorView[] inputs, TensorBuffer[] buffers,
                       TensorView out, TensorBuffer outBuffer) {
        TensorView[] views = coalesce(append(inputs, out), axis);
        int last = views[0].rank() - 1;
        long length = views[0].size(last);
        TensorView outRows = dropLast(views[views.length - 1]);
        long rowCount = outRows.numel();
        if (length == 0) {
            float empty = kind.finish(kind.identity(), 0);
            for (long r = 0; r < rowCount; r += rows.length) {
                int n = (int) Math.min(rows.length, rowCount - r);
                Arrays.fill(rows, 0, n, empty);
                copy.store(outRows, outBuffer, r, n, rows);
            }
            return;
        }
        float[][] regs = frameFor(program);
        program.prepare(regs);
        float[] values = regs[program.resultRegister()];
        long total = views[0].numel();
        float acc = kind.identity();
        long inRow = 0;
        int pending = 0;
        long firstPendingRow = 0;
        for (long start = 0; start < total; start += CpuProgram.BLOCK) {
            int count = (int) Math.min(CpuProgram.BLOCK, total - start);
            load(program, views, buffers, regs, start, count);
            program.run(regs, count);
            for (int i = 0; i < count; i++) {
                acc = kind.combine(acc, values[i]);
                if (++inRow == length) {
                    rows[pending++] = kind.finish(acc, length);
                    acc = kind.identity();
                    inRow = 0;
                    if (pending == rows.length) {
                        copy.store(outRows, outBuffer, firstPendingRow, pending, rows);
                        firstPendingRow += pending;
                        pending = 0;
                    }
                }
            }
        }
        if (pending > 0) {
            copy.store(outRows, outBuffer, firstPendingRow, pending, rows);
        }
    }

    private void load(CpuProgram program, TensorView[] views, TensorBuffer[] buffers, float[][] regs, long start, int count) {
        for (int i = 0; i < buffers.length; i++) {
            if (program.reads(i)) {
                copy.load(views[i], buffers[i], start, count, regs[i]);
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

    private static TensorView[] append(TensorView[] inputs, TensorView out) {
        TensorView[] all = Arrays.copyOf(inputs, inputs.length + 1);
        all[inputs.length] = out;
        return all;
    }

    /**
     * The same views with the reduced axis (if any, {@code axis >= 0}) moved innermost and every pair of
     * neighbouring dimensions merged where all views step through them as one.
     */
    static TensorView[] coalesce(TensorView[] views, int axis) {
        int rank = views[0].rank();
        int[] order = new int[rank];
        for (int d = 0, k = 0; d < rank; d++) {
            if (d != axis) {
                order[k++] = d;
            }
        }
        if (axis >= 0) {
            order[rank - 1] = axis;
        }
        int outer = axis >= 0 ? rank - 1 : rank; // the reduced axis is never merged
        long[] shape = new long[rank];
        long[][] stride = new long[views.length][rank];
        int merged = 0;
        for (int k = 0; k < rank; k++) {
            int d = order[k];
            boolean mergeable = merged > 0 && k < outer;
            for (int i = 0; i < views.length && mergeable; i++) {
                mergeable = stride[i][merged - 1] == views[i].stride(d) * views[i].size(d);
            }
            if (mergeable) {
                shape[merged - 1] *= views[0].size(d);
            } else {
                shape[merged++] = views[0].size(d);
            }
            for (int i = 0; i < views.length; i++) {
                stride[i][merged - 1] = views[i].stride(d);
            }
        }
        TensorView[] result = new TensorView[views.length];
        for (int i = 0; i < views.length; i++) {
            result[i] = new TensorView(views[i].dtype(), Arrays.copyOf(shape, merged), Arrays.copyOf(stride[i], merged),
                    views[i].offset(), views[i].capacity());
        }
        return result;
    }

    private static TensorView dropLast(TensorView v) {
        int rank = v.rank() - 1;
        long[] shape = new long[rank];
        long[] strides = new long[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = v.size(d);
            strides[d] = v.stride(d);
        }
        return new TensorView(v.dtype(), shape, strides, v.offset(), v.capacity());
    }
}
