package io.keelson.gpuos.core.cpu;

import io.keelson.gpuos.core.tensor.TensorBuffer;

/**
 * Moves the elements {@code [start, start + count)} (row-major order) of a strided walk between a buffer
 * and a dense f32 block. It walks as runs along the innermost dimension, so a contiguous walk is one
 * bulk copy and a broadcast or transposed one is a strided loop; the index arithmetic is the GPU's
 * {@code linear_to_offset}, done once per run instead of once per element.
 */
final class StridedCopy {

    private final long[] index = new long[io.keelson.gpuos.core.tensor.TensorView.MAX_DIMS];

    void transfer(int rank, long[] shape, long[] strides, long base, TensorBuffer buffer, long start, int count, float[] block,
                  boolean store) {
        if (rank == 0) {
            move(buffer, base, 0, block, 0, count, store);
            return;
        }
        long offset = base;
        long rest = start;
        for (int d = rank - 1; d >= 0; d--) {
            index[d] = rest % shape[d];
            rest /= shape[d];
            offset += index[d] * strides[d];
        }
        int inner = rank - 1;
        long innerSize = shape[inner];
        long innerStride = strides[inner];
        int done = 0;
        while (done < count) {
            int run = (int) Math.min(count - done, innerSize - index[inner]);
            move(buffer, offset, innerStride, block, done, run, store);
            done += run;
            index[inner] += run;
            offset += run * innerStride;
            for (int d = inner; d > 0 && index[d] == shape[d]; d--) { // carry into the outer dimensions
                offset -= index[d] * strides[d];
                index[d] = 0;
                index[d - 1]++;
                offset += strides[d - 1];
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
