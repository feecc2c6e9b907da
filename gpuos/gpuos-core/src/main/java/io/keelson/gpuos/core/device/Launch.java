package io.keelson.gpuos.core.device;

import java.util.Arrays;
import java.util.List;

/**
 * One operator run as a client asks for it: the operator's name, the iteration shape, the reduction
 * axis (for a reducing operator; -1 otherwise), and the operands. Every operand is walked with the
 * iteration shape: inputs broadcast by stride 0, and a reduction's output has stride 0 on the axis.
 */
public record Launch(String operator, long[] shape, int reduceAxis, List<TensorArg> inputs, TensorArg output) {

    public Launch {
        shape = shape.clone();
        inputs = List.copyOf(inputs);
    }

    public static Launch elementwise(String operator, long[] shape, List<TensorArg> inputs, TensorArg output) {
        return new Launch(operator, shape, -1, inputs, output);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The shape without a copy, for the validator and the codec on the submit path. */
    long[] shapeArray() {
        return shape;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Launch l && operator.equals(l.operator) && Arrays.equals(shape, l.shape) && reduceAxis == l.reduceAxis
                && inputs.equals(l.inputs) && output.equals(l.output);
    }

    @Override
    public int hashCode() {
        return operator.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return operator + Arrays.toString(shape) + (reduceAxis >= 0 ? " reduce axis " + reduceAxis : "") + " " + inputs + " -> " + output;
    }
}
