package io.keelson.gpuos.core.device;

import io.keelson.gpuos.core.tensor.DType;

/**
 * One operand of a launch: a tensor handle and how the launch's iteration space walks it (strides in
 * elements, 0 to broadcast, and an element offset). The shape is the launch's.
 */
public record TensorArg(long handle, DType dtype, long[] strides, long offset) {

    public TensorArg {
        strides = strides.clone();
    }

    @Override
    public long[] strides() {
        return strides.clone();
    }

    long stride(int d) {
        return strides[d];
    }

    int rank() {
        return strides.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorArg t && handle == t.handle && dtype == t.dtype && offset == t.offset
                && java.util.Arrays.equals(strides, t.strides);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(handle, dtype, offset, java.util.Arrays.hashCode(strides));
    }

    @Override
    public String toString() {
        return "tensor " + handle + " " + dtype + " strides " + java.util.Arrays.toString(strides) + " offset " + offset;
    }
}
