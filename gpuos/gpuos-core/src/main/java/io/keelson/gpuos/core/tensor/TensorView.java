package io.keelson.gpuos.core.tensor;

import java.util.Arrays;

/**
 * A view of elements in a buffer: up to {@link #MAX_DIMS} dimensions, a stride per dimension in
 * elements (0 repeats an element: broadcasting), and an offset. Views are validated when made, so a
 * view that exists can never address outside its buffer.
 *
 * @param capacity elements in the underlying buffer
 */
public record TensorView(DType dtype, long[] shape, long[] strides, long offset, long capacity) {

    public static final int MAX_DIMS = 8;

    /** A view that breaks a rule; the message names the field and the values. */
    public static final class InvalidViewException extends IllegalArgumentException {
        private final String field;

        InvalidViewException(String field, String message) {
            super(field + ": " + message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public TensorView {
        shape = shape.clone();
        strides = strides.clone();
        if (shape.length > MAX_DIMS) {
            throw new InvalidViewException("shape", "at most " + MAX_DIMS + " dimensions, got " + shape.length);
        }
        if (strides.length != shape.length) {
            throw new InvalidViewException("strides", strides.length + " strides for " + shape.length + " dimensions");
        }
        long last = offset;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new InvalidViewException("shape[" + d + "]", "must not be negative, was " + shape[d]);
            }
            if (strides[d] < 0) {
                throw new InvalidViewException("strides[" + d + "]", "must not be negative, was " + strides[d]);
            }
            if (shape[d] > 0) {
                last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, strides[d]));
            }
        }
        if (offset < 0) {
            throw new InvalidViewException("offset", "must not be negative, was " + offset);
        }
        if (numel(shape) > 0 && last >= capacity) {
            throw new InvalidViewException("offset", "the view reaches element " + last + " of a buffer of " + capacity);
        }
    }

    /** A dense row-major view of a whole buffer. */
    public static TensorView contiguous(DType dtype, long... shape) {
        long[] strides = new long[shape.length];
        long step = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = step;
            step = Math.multiplyExact(step, Math.max(shape[d], 1));
        }
        return new TensorView(dtype, shape, strides, 0, Math.max(numel(shape), 1));
    }

    public long numel() {
        return numel(shape);
    }

    /** A copy: a view is immutable. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A copy: a view is immutable. */
    @Override
    public long[] strides() {
        return strides.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code d}, without copying the shape (hot paths). */
    public long size(int d) {
        return shape[d];
    }

    public long stride(int d) {
        return strides[d];
    }

    /** Element offset of the {@code linear}-th element in row-major order: the worker's {@code linear_to_offset}. */
    public long offsetOf(long linear) {
        long result = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            long index = linear % shape[d];
            linear /= shape[d];
            result += index * strides[d];
        }
        return result;
    }

    /** This view seen with {@code target}'s shape, after NumPy's rules: trailing dimensions align, size 1 repeats. */
    public TensorView broadcastTo(long... target) {
        if (target.length < shape.length) {
            throw new InvalidViewException("shape", "cannot broadcast " + Arrays.toString(shape) + " to fewer dimensions "
                    + Arrays.toString(target));
        }
        long[] newStrides = new long[target.length];
        int shift = target.length - shape.length;
        for (int d = 0; d < target.length; d++) {
            int own = d - shift;
            if (own < 0) {
                newStrides[d] = 0;
            } else if (shape[own] == target[d]) {
                newStrides[d] = strides[own];
            } else if (shape[own] == 1) {
                newStrides[d] = 0;
            } else {
                throw new InvalidViewException("shape[" + own + "]", "size " + shape[own] + " cannot broadcast to "
                        + target[d] + " (" + Arrays.toString(shape) + " -> " + Arrays.toString(target) + ")");
            }
        }
        return new TensorView(dtype, target, newStrides, offset, capacity);
    }

    /** The shape both operands broadcast to, or an error naming the first dimension that disagrees. */
    public static long[] broadcastShape(long[] a, long[] b) {
        int n = Math.max(a.length, b.length);
        long[] out = new long[n];
        for (int d = 0; d < n; d++) {
            long x = d - (n - a.length) >= 0 ? a[d - (n - a.length)] : 1;
            long y = d - (n - b.length) >= 0 ? b[d - (n - b.length)] : 1;
            if (x != y && x != 1 && y != 1) {
                throw new InvalidViewException("shape", "dimension " + d + " is " + x + " in " + Arrays.toString(a)
                        + " and " + y + " in " + Arrays.toString(b));
            }
            out[d] = x == 1 ? y : x;
        }
        return out;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorView v && dtype == v.dtype && Arrays.equals(shape, v.shape) && Arrays.equals(strides, v.strides)
                && offset == v.offset && capacity == v.capacity;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(strides)) + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape) + " strides " + Arrays.toString(strides) + " offset " + offset;
    }
}
