package io.keelson.gpuos.core.cpu;

import io.keelson.gpuos.core.tensor.TensorBuffer;
import io.keelson.gpuos.core.tensor.TensorView;

/**
 * Moves the elements {@code [start, start + count)} of a view (row-major order) between its buffer and a
 * dense f32 block. It walks the view as runs along the innermost dimension, so a contiguous view is one
 * bulk copy and a broadcast or transposed one is a strided loop; the index arithmetic per run is the
 * GPU's {@code linear_to_offset}, done once per run instead of once per element.
 */
final class StridedCopy {

    private final long[] index = new long[TensorView.MAX_DIMS];

    void load(TensorView view, TensorBuffer buffer, long start, int count, float[] block) {
        transfer(view, buffer, start, count, block, false);
    }

    void store(TensorView view, TensorBuffer buffer, long start, int count, float[] block) {
        transfer(view, buffer, start, count, block, true);
    }

    private void transfer(TensorView view, TensorBuffer buffer, long start, int count, float[] block, boolean store) {
        int rank = view.rank();
        if (rank == 0) {
            move(buffer, view.offset(), 0, block, 0, count, store);
            return;
        }
        long offset = view.offset();
        long rest = start;
        for (int d = rank - 1; d >= 0; d--) {
            long size = view.size(d);
            index[d] = rest % size;
            rest /= size;
            offset += index[d] * view.stride(d);
        }
        int inner = rank - 1;
        long innerSize = view.size(inner);
        long innerStride = view.stride(inner);
        int done = 0;
        while (done < count) {
            int run = (int) Math.min(count - done, innerSize - index[inner]);
            move(buffer, offset, innerStride, block, done, run, store);
            done += run;
            index[inner] += run;
            offset += run * innerStride;
            // carry into the outer dimensions
            for (int d = inner; d > 0 && index[d] == view.size(d); d--) {
                offset -= index[d] * view.stride(d);
                index[d] = 0;
                index[d - 1]++;
                offset += view.stride(d - 1);
            }
        }
    }

    private static void move(TensorBuffer buffer, long offset, long stride, float[] block, int at, int run, boolean store) {
        if (store) {
            buffer.write(offset, stride, block, at, run);
        } else {
            buffer.read(offset, stride, block, at, run);
        }
    }
}
