package io.keelson.gpuos.core.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conversions checked exhaustively where the domain is small (every f16 and bf16 value) and
 * against a brute-force nearest-value reference for narrowing.
 */
class HalfFloatsTest {

    private static final long SEED = 20261125L;

    @Test
    void everyF16WidensExactlyAndNarrowsBackToItself() {
        for (int h = 0; h < 0x10000; h++) {
            float wide = HalfFloats.f16ToF32((short) h);
            if (Float.isNaN(wide)) {
                assertThat(Float.isNaN(HalfFloats.f16ToF32(HalfFloats.f32ToF16(wide)))).isTrue();
                continue;
            }
            assertThat(HalfFloats.f32ToF16(wide) & 0xFFFF).as("f16 0x%04x", h).isEqualTo(h);
        }
    }

    @Test
    void f16ValuesMatchTheirDefinition() {
        assertThat(HalfFloats.f16ToF32((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(HalfFloats.f16ToF32((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(HalfFloats.f16ToF32((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.f16ToF32((short) 0x0400)).isEqualTo(0x1p-14f);
        assertThat(HalfFloats.f16ToF32((short) 0xC000)).isEqualTo(-2f);
        assertThat(HalfFloats.f16ToF32((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.f32ToF16(65519.99f)).isEqualTo((short) 0x7BFF);
        assertThat(HalfFloats.f32ToF16(65520f)).as("the tie above 65504 goes to infinity (even)").isEqualTo((short) 0x7C00);
        assertThat(HalfFloats.f32ToF16(0x1p-25f)).as("the tie below the smallest subnormal goes to zero").isEqualTo((short) 0);
        assertThat(HalfFloats.f32ToF16(Math.nextUp(0x1p-25f))).isEqualTo((short) 1);
    }

    @Test
    void narrowingToF16IsTheNearestValueTiesToEven() {
        float[] table = new float[0x7C01]; // every non-negative finite f16 and +inf, ascending
        for (int h = 0; h <= 0x7C00; h++) {
            table[h] = HalfFloats.f16ToF32((short) h);
        }
        Random random = new Random(SEED);
        for (int i = 0; i < 300_000; i++) {
            float x = i % 3 == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) (random.nextGaussian() * Math.pow(2, random.nextInt(40) - 25));
            if (Float.isNaN(x)) {
                continue;
            }
            assertThat(HalfFloats.f32ToF16(x)).as("f32 %s (0x%08x)", x, Float.floatToRawIntBits(x)).isEqualTo(nearest(table, x, 0x7BFF, 65536.0));
        }
    }

    @Test
    void everyBf16WidensExactlyAndNarrowingIsNearestTiesToEven() {
        for (int b = 0; b < 0x10000; b++) {
            float wide = HalfFloats.bf16ToF32((short) b);
            if (!Float.isNaN(wide)) {
                assertThat(HalfFloats.f32ToBf16(wide) & 0xFFFF).isEqualTo(b);
            }
        }
        float[] table = new float[0x7F81];
        for (int b = 0; b <= 0x7F80; b++) {
            table[b] = HalfFloats.bf16ToF32((short) b);
        }
        Random random = new Random(SEED);
        for (int i = 0; i < 300_000; i++) {
            float x = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(x)) {
                assertThat(Float.isNaN(HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(x)))).isTrue();
                continue;
            }
            assertThat(HalfFloats.f32ToBf16(x)).as("f32 0x%08x", Float.floatToRawIntBits(x))
                    .isEqualTo(nearest(table, x, 0x7F7F, Math.scalb(1.0, 128)));
        }
    }

    /**
     * Brute-force reference: the closest entry of an ascending table of non-negative values (largest finite at
     * index {@code maxFinite}, then infinity, which rounds as if it were {@code overflowValue}); ties to the even index.
     */
    private static short nearest(float[] table, float x, int maxFinite, double overflowValue) {
        int sign = Float.floatToRawIntBits(x) < 0 ? 0x8000 : 0;
        double v = Math.abs((double) x);
        int hi = Arrays.binarySearch(table, 0, maxFinite + 1, (float) Math.min(v, Float.MAX_VALUE));
        int index;
        if (hi >= 0 && table[hi] == v) {
            index = hi;
        } else {
            int upper = hi >= 0 ? hi + 1 : -hi - 1;
            int lower = upper - 1;
            double upperValue = upper > maxFinite ? overflowValue : table[upper];
            while (lower >= 0 && table[lower] > v) {
                upper = lower--;
                upperValue = table[upper];
            }
            while (upper <= maxFinite && upperValue < v) {
                lower = upper++;
                upperValue = upper > maxFinite ? overflowValue : table[upper];
            }
            double below = v - table[lower];
            double above = upperValue - v;
            index = below < above ? lower : above < below ? upper : ((lower & 1) == 0 ? lower : upper);
            if (index > maxFinite) {
                index = maxFinite + 1; // infinity
            }
        }
        return (short) (sign | index);
    }
}
