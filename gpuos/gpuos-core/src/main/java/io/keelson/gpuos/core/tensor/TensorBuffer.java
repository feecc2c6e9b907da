package io.keelson.gpuos.core.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;

/**
 * One tensor allocation on the CPU backend: little-endian bytes in a direct buffer (the layout a
 * device copy would have), read and written as f32 blocks. Narrowing stores round to nearest even.
 */
public final class TensorBuffer implements TensorStorage {

    private final DType dtype;
    private final int elements;
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final ShortBuffer shorts;
    private final IntBuffer ints;

    public TensorBuffer(DType dtype, int elements) {
        if (elements < 0) {
            throw new IllegalArgumentException("elements must not be negative, was " + elements);
        }
        this.dtype = dtype;
        this.elements = elements;
        this.bytes = ByteBuffer.allocateDirect(Math.multiplyExact(elements, dtype.bytes())).order(ByteOrder.LITTLE_ENDIAN);
        this.floats = bytes.asFloatBuffer();
        this.shorts = bytes.asShortBuffer();
        this.ints = bytes.asIntBuffer();
    }

    public DType dtype() {
        return dtype;
    }

    public int elements() {
        return elements;
    }

    /** The raw bytes (little-endian); a duplicate, so callers cannot disturb this buffer's positions. */
    public ByteBuffer bytes() {
        return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads {@code count} elements starting at element {@code from}, {@code stride} apart, into {@code dst[at..]}. */
    public void read(long from, long stride, float[] dst, int at, int count) {
        int index = (int) from;
        int step = (int) stride;
        switch (dtype) {
            case F32 -> {
                if (step == 1) {
                    floats.get(index, dst, at, count);
                } else {
                    for (int i = 0; i < count; i++, index += step) {
                        dst[at + i] = floats.get(index);
                    }
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++, index += step) {
                    dst[at + i] = HalfFloats.f16ToF32(shorts.get(index));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++, index += step) {
                    dst[at + i] = HalfFloats.bf16ToF32(shorts.get(index));
                }
            }
            case I32 -> {
                for (int i = 0; i < count; i++, index += step) {
                    dst[at + i] = ints.get(index);
                }
            }
        }
    }

    /** Writes {@code src[at..at+count)} to elements {@code from}, {@code from + stride}... rounding to this dtype. */
    public void write(long from, long stride, float[] src, int at, int count) {
        int index = (int) from;
        int step = (int) stride;
        switch (dtype) {
            case F32 -> {
                if (step == 1) {
                    floats.put(index, src, at, count);
                } else {
                    for (int i = 0; i < count; i++, index += step) {
                        floats.put(index, src[at + i]);
                    }
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++, index += step) {
                    shorts.put(index, HalfFloats.f32ToF16(src[at + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++, index += step) {
                    shorts.put(index, HalfFloats.f32ToBf16(src[at + i]));
                }
            }
            case I32 -> {
                for (int i = 0; i < count; i++, index += step) {
                    ints.put(index, (int) src[at + i]);
                }
            }
        }
    }

    /** Every element as f32, in buffer order. */
    public float[] toFloats() {
        float[] all = new float[elements];
        read(0, 1, all, 0, elements);
        return all;
    }

    /** Replaces every element, in buffer order. */
    public void fill(float[] values) {
        if (values.length != elements) {
            throw new IllegalArgumentException(values.length + " values for a buffer of " + elements + " elements");
        }
        write(0, 1, values, 0, elements);
    }
}
