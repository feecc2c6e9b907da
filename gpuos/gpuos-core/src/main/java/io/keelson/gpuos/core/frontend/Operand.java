package io.keelson.gpuos.core.frontend;

import java.util.Arrays;

/**
 * How a computation reads one tensor: for each dimension of the iteration space, the tensor dimension
 * it walks ({@code -1}: broadcast). NumPy broadcasting and matmul's transposed operand are both maps.
 */
record Operand(Tensor tensor, int[] axisMap) {

    /** NumPy broadcasting of {@code tensor} to {@code iteration}: trailing dimensions align, size 1 repeats. */
    static Operand broadcast(Tensor tensor, long[] iteration) {
        long[] shape = tensor.shapeArray();
        int[] map = new int[iteration.length];
        int shift = iteration.length - shape.length;
        for (int d = 0; d < iteration.length; d++) {
            int own = d - shift;
            map[d] = own < 0 || (shape[own] == 1 && iteration[d] != 1) ? -1 : own;
        }
        return new Operand(tensor, map);
    }

    /** Whether the iteration walks the tensor element for element (so its producer can be fused in). */
    boolean isIdentity(long[] iteration) {
        long[] shape = tensor.shapeArray();
        if (shape.length != iteration.length) {
            return false;
        }
        for (int d = 0; d < iteration.length; d++) {
            if (axisMap[d] != d || shape[d] != iteration[d]) {
                return false;
            }
        }
        return true;
    }

    /** Element strides over the iteration space, given the tensor's storage strides. */
    long[] strides(long[] storageStrides) {
        long[] strides = new long[axisMap.length];
        for (int d = 0; d < axisMap.length; d++) {
            strides[d] = axisMap[d] < 0 ? 0 : storageStrides[axisMap[d]];
        }
        return strides;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Operand other && tensor == other.tensor && Arrays.equals(axisMap, other.axisMap);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(tensor) * 31 + Arrays.hashCode(axisMap);
    }
}
