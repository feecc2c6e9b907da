package io.keelson.gpuos.core.testing;

import java.util.Random;

/**
 * Workload B of the benchmark and its reference: {@code x = (relu((x + b) * c)).sigmoid() / d}, repeated,
 * computed here in plain Java with the same f32 operations in the same order as every gpuos path.
 */
public record ChainWorkload(float[] x, float[] b, float[] c, float[] d, int steps, float[] expected) {

    public static ChainWorkload create(Random random, int n, int steps) {
        float[] x = gaussian(random, n);
        float[] b = gaussian(random, n);
        float[] c = gaussian(random, n);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = 1.5f + i % 7;
        }
        float[] expected = x.clone();
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < n; i++) {
                float v = (expected[i] + b[i]) * c[i];
                v = v > 0 ? v : 0f;
                expected[i] = (float) (1.0 / (1.0 + Math.exp(-v))) / d[i];
            }
        }
        return new ChainWorkload(x, b, c, d, steps, expected);
    }

    public static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
