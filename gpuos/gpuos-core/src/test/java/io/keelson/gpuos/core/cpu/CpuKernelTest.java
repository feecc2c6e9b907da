package io.keelson.gpuos.core.cpu;

import io.keelson.gpuos.core.ir.ExprParser;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.ir.RandomExprs;
import io.keelson.gpuos.core.ir.ReduceKind;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorBuffer;
import io.keelson.gpuos.core.tensor.TensorView;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiled evaluator against {@link ReferenceEvaluator} on random expressions, shapes, layouts
 * (permuted strides, offsets, broadcast inputs) and dtypes; results must be bit-identical, since both
 * compute in f32 with the same operations in the same order.
 */
class CpuKernelTest {

    private final CpuKernel kernel = new CpuKernel();

    @Test
    void elementwiseMatchesTheReferenceOnRandomLayouts() {
        Random random = new Random(11);
        for (int trial = 0; trial < 1_500; trial++) {
            runTrial(random, false, trial);
        }
    }

    @Test
    void reductionsMatchTheReferenceOnRandomLayouts() {
        Random random = new Random(12);
        for (int trial = 0; trial < 1_500; trial++) {
            runTrial(random, true, trial);
        }
    }

    @Test
    void commonSubexpressionsAreComputedOnce() {
        CpuProgram p = CpuProgram.compile(OperatorSpec.elementwise("f", 2, ExprParser.parse("(add (mul x0 x1) (mul x0 x1))")));
        assertThat(p.instructions()).isEqualTo(2);
        assertThat(p.registers()).isEqualTo(3); // two inputs, one temporary reused for the sum
    }

    @Test
    void registersAreReusedAlongALongChain() {
        StringBuilder body = new StringBuilder("x0");
        for (int i = 0; i < 120; i++) {
            body.insert(0, "(sigmoid (add ").append(" x1))");
        }
        CpuProgram p = CpuProgram.compile(OperatorSpec.elementwise("chain", 2, ExprParser.parse(body.toString())));
        assertThat(p.instructions()).isEqualTo(240);
        assertThat(p.registers()).isLessThanOrEqualTo(4);
    }

    @Test
    void matmulIsAMultiplyReducedAlongTheSharedAxis() {
        // C[m,n] = sum_k A[m,k] * B[k,n], as the frontend lowers it: iteration shape [m,n,k]
        int m = 3, n = 4, k = 5;
        TensorBuffer a = new TensorBuffer(DType.F32, m * k);
        TensorBuffer b = new TensorBuffer(DType.F32, k * n);
        TensorBuffer c = new TensorBuffer(DType.F32, m * n);
        float[] av = new float[m * k];
        float[] bv = new float[k * n];
        for (int i = 0; i < av.length; i++) {
            av[i] = i - 7;
        }
        for (int i = 0; i < bv.length; i++) {
            bv[i] = (i % 3) + 0.5f;
        }
        a.fill(av);
        b.fill(bv);
        TensorView aView = new TensorView(DType.F32, new long[]{m, n, k}, new long[]{k, 0, 1}, 0, m * k);
        TensorView bView = new TensorView(DType.F32, new long[]{m, n, k}, new long[]{0, 1, n}, 0, k * n);
        TensorView cView = new TensorView(DType.F32, new long[]{m, n, k}, new long[]{n, 1, 0}, 0, m * n);
        CpuProgram mul = CpuProgram.compile(OperatorSpec.reducing("matmul", 2, ExprParser.parse("(mul x0 x1)"), ReduceKind.SUM));
        kernel.reduce(mul, ReduceKind.SUM, 2, new TensorView[]{aView, bView}, new TensorBuffer[]{a, b}, cView, c);
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int x = 0; x < k; x++) {
                    sum += av[i * k + x] * bv[x * n + j];
                }
                expected[i * n + j] = sum;
            }
        }
        assertThat(c.toFloats()).containsExactly(expected);
    }

    private void runTrial(Random random, boolean reducing, int trial) {
        int arity = 1 + random.nextInt(OperatorSpec.MAX_INPUTS);
        int rank = (reducing ? 1 : 0) + random.nextInt(reducing ? 4 : 5);
        long[] shape = new long[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = random.nextInt(5) == 0 ? 1 : 1 + random.nextInt(reducing && d == rank - 1 ? 700 : 9);
        }
        if (rank > 0 && random.nextInt(10) == 0) {
            shape[random.nextInt(rank)] = 0;
        }
        int axis = reducing ? random.nextInt(rank) : -1;
        ReduceKind kind = ReduceKind.values()[random.nextInt(ReduceKind.values().length)];
        OperatorSpec spec = reducing
                ? OperatorSpec.reducing("r", arity, RandomExprs.expr(random, arity, 3), kind)
                : OperatorSpec.elementwise("e", arity, RandomExprs.expr(random, arity, 4));
        TensorView[] views = new TensorView[arity];
        TensorBuffer[] buffers = new TensorBuffer[arity];
        for (int i = 0; i < arity; i++) {
            long[] own = shape.clone();
            for (int d = 0; d < rank; d++) {
                if (random.nextInt(4) == 0) {
                    own[d] = 1; // broadcast along d
                }
            }
            DType dtype = DType.values()[random.nextInt(4)];
            TensorView base = randomLayout(random, dtype, own);
            buffers[i] = new TensorBuffer(dtype, (int) base.capacity());
            float[] values = new float[(int) base.capacity()];
            for (int e = 0; e < values.length; e++) {
                values[e] = dtype == DType.I32 ? random.nextInt(21) - 10 : (float) (random.nextGaussian() * 3);
            }
            buffers[i].fill(values);
            views[i] = base.broadcastTo(shape);
        }
        DType outType = DType.values()[random.nextInt(4)];
        long[] outShape = shape.clone();
        if (reducing) {
            outShape[axis] = 1;
        }
        TensorView outBase = randomLayout(random, outType, outShape);
        TensorView out = reducing ? outBase.broadcastTo(shape) : outBase;
        TensorBuffer outBuffer = new TensorBuffer(outType, (int) outBase.capacity());
        float[] initial = new float[(int) outBase.capacity()];
        Arrays.fill(initial, outType.round(12345f));
        outBuffer.fill(initial);
        float[] expected = ReferenceEvaluator.run(spec, axis, views, buffers, out, initial);
        CpuProgram program = CpuProgram.compile(spec);
        if (reducing) {
            kernel.reduce(program, kind, axis, views, buffers, out, outBuffer);
        } else {
            kernel.map(program, views, buffers, out, outBuffer);
        }
        float[] actual = outBuffer.toFloats();
        for (int e = 0; e < expected.length; e++) {
            int index = e;
            assertThat(Float.floatToIntBits(actual[e]))
                    .as(() -> "trial " + trial + " element " + index + " of " + spec.signature() + " shape " + Arrays.toString(shape)
                            + " axis " + axis + ": " + actual[index] + " vs " + expected[index])
                    .isEqualTo(Float.floatToIntBits(expected[e]));
        }
    }

    /** A dense buffer of {@code shape} with its dimensions stored in a random order, behind a random offset. */
    static TensorView randomLayout(Random random, DType dtype, long[] shape) {
        int rank = shape.length;
        Integer[] order = new Integer[rank];
        for (int d = 0; d < rank; d++) {
            order[d] = d;
        }
        java.util.Collections.shuffle(Arrays.asList(order), random);
        long[] strides = new long[rank];
        long step = 1;
        for (int k = rank - 1; k >= 0; k--) {
            strides[order[k]] = step;
            step *= Math.max(1, shape[order[k]]);
        }
        long offset = random.nextInt(3);
        return new TensorView(dtype, shape, strides, offset, offset + step + random.nextInt(2));
    }
}
