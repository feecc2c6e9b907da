package io.keelson.gpuos.core.tensor;

/**
 * IEEE binary16 (f16) and bfloat16 (bf16) conversions, computed in f32 as the GPU does. Java 17 has no
 * {@code Float.float16ToFloat}, so these are written out: widening is exact, narrowing rounds to
 * nearest with ties to even, overflows to infinity, keeps subnormals, and turns every NaN into a quiet NaN.
 */
public final class HalfFloats {

    /** Every f16 value widened, so loading f16 tensors costs one array read per element (256 KiB, immutable). */
    private static final float[] F16_TO_F32 = new float[1 << 16];

    static {
        for (int h = 0; h < F16_TO_F32.length; h++) {
            F16_TO_F32[h] = widen((short) h);
        }
    }

    private HalfFloats() {
    }

    public static float f16ToF32(short half) {
        return F16_TO_F32[half & 0xFFFF];
    }

    private static float widen(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // subnormal (or zero): mantissa * 2^-24, exact in f32
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    public static short f32ToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7FFF_FFFF;
        if (magnitude >= 0x7F80_0000) {
            // infinity stays infinity; NaN becomes a quiet NaN keeping the top payload bits
            return (short) (magnitude == 0x7F80_0000 ? sign | 0x7C00 : sign | 0x7E00 | ((magnitude >>> 13) & 0x3FF));
        }
        if (magnitude >= 0x4780_0000) { // >= 65536: beyond every rounding to 65504
            return (short) (sign | 0x7C00);
        }
        if (magnitude < 0x3880_0000) { // below 2^-14: the result is subnormal or zero
            if (magnitude < 0x3300_0000) { // below 2^-25: rounds to zero (2^-25 itself ties to zero, the even side)
                return (short) sign;
            }
            int exponent = magnitude >>> 23;
            int mantissa = (magnitude & 0x7F_FFFF) | 0x80_0000;
            int shift = 126 - exponent; // value = mantissa * 2^(exponent-150); f16 subnormal unit is 2^-24
            return (short) (sign | roundShift(mantissa, shift));
        }
        // normal: rebias the exponent, round 13 mantissa bits away; a carry may overflow into infinity, as it should
        int rebased = magnitude - 0x3800_0000;
        return (short) (sign | roundShift(rebased, 13));
    }

    public static float bf16ToF32(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    public static short f32ToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            return (short) ((bits >>> 16) | 0x0040); // quiet NaN
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** {@code value >> shift}, rounded to nearest, ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }
}
