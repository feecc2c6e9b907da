package io.keelson.gpuos.core.tensor;

/** Element types; the codes are the ones the worker ABI uses (GPUOS: F32=0, F16=1, BF16=2, I32=3). */
public enum DType {
    F32(0, 4),
    F16(1, 2),
    BF16(2, 2),
    I32(3, 4);

    private final int code;
    private final int bytes;

    DType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int code() {
        return code;
    }

    public int bytes() {
        return bytes;
    }

    /** {@code value} rounded to this type and widened back to f32: the IR's {@code cast} and every store. */
    public float round(float value) {
        return switch (this) {
            case F32 -> value;
            case F16 -> HalfFloats.f16ToF32(HalfFloats.f32ToF16(value));
            case BF16 -> HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(value));
            case I32 -> (int) value; // towards zero, saturating, NaN to 0: PTX cvt.rzi.s32.f32
        };
    }

    public static java.util.Optional<DType> ofCode(int code) {
        for (DType t : values()) {
            if (t.code == code) {
                return java.util.Optional.of(t);
            }
        }
        return java.util.Optional.empty();
    }
}
