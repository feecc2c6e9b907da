package io.keelson.gpuos.core.cpu;

import io.keelson.gpuos.core.ir.Expr;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.tensor.TensorBuffer;
import io.keelson.gpuos.core.tensor.TensorView;

/**
 * The obvious, slow semantics the compiled evaluator must match: walk the tree per element, address
 * every element through {@link TensorView#offsetOf}, fold reductions in axis order.
 */
public final class ReferenceEvaluator {

    private ReferenceEvaluator() {
    }

    public static float eval(Expr e, float[] x) {
        return e.accept(new Expr.Visitor<>() {
            @Override
            public Float input(Expr.Input input) {
                return x[input.index()];
            }

            @Override
            public Float constant(Expr.Constant constant) {
                return constant.value();
            }

            @Override
            public Float unary(Expr.Unary unary) {
                return unary.op().apply(eval(unary.operand(), x));
            }

            @Override
            public Float binary(Expr.Binary binary) {
                return binary.op().apply(eval(binary.left(), x), eval(binary.right(), x));
            }

            @Override
            public Float select(Expr.Select select) {
                return eval(select.condition(), x) != 0f ? eval(select.ifTrue(), x) : eval(select.ifFalse(), x);
            }

            @Override
            public Float cast(Expr.Cast cast) {
                return cast.to().round(eval(cast.operand(), x));
            }
        });
    }

    /** Every element of the output buffer after running {@code spec}; elements the view does not cover keep {@code initial}. */
    public static float[] run(OperatorSpec spec, int axis, TensorView[] inputs, TensorBuffer[] buffers, TensorView out, float[] initial) {
        float[] result = initial.clone();
        float[][] in = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = buffers[i].toFloats();
        }
        long total = out.numel();
        float[] x = new float[inputs.length];
        if (spec.reduction().isEmpty()) {
            for (long l = 0; l < total; l++) {
                for (int i = 0; i < inputs.length; i++) {
                    x[i] = in[i][(int) inputs[i].offsetOf(l)];
                }
                result[(int) out.offsetOf(l)] = out.dtype().round(eval(spec.body(), x));
            }
            return result;
        }
        var kind = spec.reduction().get();
        long length = out.size(axis);
        long inner = 1;
        for (int d = axis + 1; d < out.rank(); d++) {
            inner *= out.size(d);
        }
        long[] keptShape = out.shape();
        keptShape[axis] = 1;
        TensorView kept = new TensorView(out.dtype(), keptShape, out.strides(), out.offset(), out.capacity());
        for (long l = 0; l < kept.numel(); l++) {
            float acc = kind.identity();
            for (long k = 0; k < length; k++) {
                long li = (l / inner) * length * inner + l % inner + k * inner;
                for (int i = 0; i < inputs.length; i++) {
                    x[i] = in[i][(int) inputs[i].offsetOf(li)];
                }
                acc = kind.combine(acc, eval(spec.body(), x));
            }
            result[(int) kept.offsetOf(l)] = out.dtype().round(kind.finish(acc, length));
        }
        return result;
    }
}
