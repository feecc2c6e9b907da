package io.keelson.gpuos.core.testing;

import io.keelson.gpuos.core.device.Launch;
import io.keelson.gpuos.core.device.TensorArg;
import io.keelson.gpuos.core.ir.ExprParser;
import io.keelson.gpuos.core.ir.OperatorSpec;

import java.util.ArrayList;
import java.util.List;
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

    /** The five operators of one step, named {@code prefix + add|mul|relu|sigmoid|div}. */
    public static List<OperatorSpec> stepOperators(String prefix) {
        return List.of(OperatorSpec.elementwise(prefix + "add", 2, ExprParser.parse("(add x0 x1)")),
                OperatorSpec.elementwise(prefix + "mul", 2, ExprParser.parse("(mul x0 x1)")),
                OperatorSpec.elementwise(prefix + "relu", 1, ExprParser.parse("(relu x0)")),
                OperatorSpec.elementwise(prefix + "sigmoid", 1, ExprParser.parse("(sigmoid x0)")),
                OperatorSpec.elementwise(prefix + "div", 2, ExprParser.parse("(div x0 x1)")));
    }

    /** Every step as five launches of {@link #stepOperators}, in place on {@code x}. */
    public List<Launch> launches(String prefix, TensorArg x, TensorArg b, TensorArg c, TensorArg d) {
        long[] shape = {x().length};
        List<Launch> launches = new ArrayList<>(5 * steps);
        for (int s = 0; s < steps; s++) {
            launches.add(Launch.elementwise(prefix + "add", shape, List.of(x, b), x));
            launches.add(Launch.elementwise(prefix + "mul", shape, List.of(x, c), x));
            launches.add(Launch.elementwise(prefix + "relu", shape, List.of(x), x));
            launches.add(Launch.elementwise(prefix + "sigmoid", shape, List.of(x), x));
            launches.add(Launch.elementwise(prefix + "div", shape, List.of(x, d), x));
        }
        return launches;
    }

    public static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
