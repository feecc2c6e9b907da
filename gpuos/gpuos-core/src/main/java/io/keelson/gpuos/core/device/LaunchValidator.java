package io.keelson.gpuos.core.device;

import io.keelson.gpuos.core.ir.Expr;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorView;

import java.util.List;
import java.util.Optional;

/**
 * The host-side checks every launch passes before it is queued, so a worker never sees a launch that
 * could address outside a tensor or mix types. Each refusal names the field as
 * {@code launches[i].inputs[j].strides} and so on.
 */
public final class LaunchValidator {

    /** What the validator needs to know about the device's current state. */
    public interface Resources {
        /** The dtype and element count of a live tensor. */
        Optional<Tensor> tensor(long handle);

        /** The active version of operator {@code name}. */
        Optional<OperatorSpec> operator(String name);
    }

    public record Tensor(DType dtype, long elements) {
    }

    public static final int MAX_LAUNCHES = 1 << 16;

    /** Whether {@code arg} is well-formed for {@code shape} and stays inside {@code tensor}. */
    private static boolean fits(TensorArg arg, long[] shape, Tensor tensor) {
        if (tensor.dtype() != arg.dtype() || arg.rank() != shape.length || arg.offset() < 0) {
            return false;
        }
        long last = arg.offset();
        boolean empty = false;
        for (int d = 0; d < shape.length; d++) {
            long stride = arg.stride(d);
            if (stride < 0 || shape[d] < 0) {
                return false;
            }
            empty |= shape[d] == 0;
            if (shape[d] > 1 && stride > 0) {
                if (shape[d] - 1 > (Long.MAX_VALUE - last) / stride) {
                    return false;
                }
                last += (shape[d] - 1) * stride;
            }
        }
        return empty || last < tensor.elements();
    }

    private LaunchValidator() {
    }

    public static void validate(List<Launch> launches, Resources resources) {
        if (launches.isEmpty()) {
            throw DeviceException.invalid("launches", "at least one launch is required");
        }
        if (launches.size() > MAX_LAUNCHES) {
            throw new DeviceException(DeviceException.Kind.LIMIT, "launches", launches.size() + " launches in one task, at most " + MAX_LAUNCHES);
        }
        for (int i = 0; i < launches.size(); i++) {
            try {
                validate(launches.get(i), resources);
            } catch (DeviceException e) {
                // field names are built only for the launch that failed: validation is on every submit's hot path
                throw new DeviceException(e.kind(), "launches[" + i + "]" + e.field(), e.getMessage().substring(e.field().length() + 2));
            }
        }
    }

    private static void validate(Launch launch, Resources resources) {
        String at = "";
        OperatorSpec spec = resources.operator(launch.operator()).orElseThrow(() -> new DeviceException(
                DeviceException.Kind.NOT_FOUND, at + ".operator", "no operator named '" + launch.operator() + "' is installed"));
        long[] shape = launch.shapeArray();
        if (shape.length > TensorView.MAX_DIMS) {
            throw DeviceException.invalid(at + ".shape", "at most " + TensorView.MAX_DIMS + " dimensions, got " + shape.length);
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw DeviceException.invalid(at + ".shape[" + d + "]", "must not be negative, was " + shape[d]);
            }
        }
        if (launch.inputs().size() != spec.arity()) {
            throw DeviceException.invalid(at + ".inputs", spec.name() + " takes " + spec.arity() + " inputs, got " + launch.inputs().size());
        }
        int axis = launch.reduceAxis();
        if (spec.reduction().isPresent()) {
            if (axis < 0 || axis >= shape.length) {
                throw DeviceException.invalid(at + ".reduce_axis", spec.name() + " reduces; the axis must be 0.." + (shape.length - 1)
                        + ", was " + axis);
            }
        } else if (axis != -1) {
            throw DeviceException.invalid(at + ".reduce_axis", spec.name() + " is element-wise; leave the axis unset, was " + axis);
        }
        DType inputType = null;
        for (int j = 0; j < launch.inputs().size(); j++) {
            TensorArg arg = launch.inputs().get(j);
            check(arg, shape, j, resources);
            if (inputType != null && arg.dtype() != inputType) {
                throw DeviceException.invalid(at + ".inputs[" + j + "].dtype", arg.dtype() + " differs from inputs[0]'s " + inputType
                        + "; cast one of them first");
            }
            inputType = arg.dtype();
        }
        String out = ".output";
        check(launch.output(), shape, -1, resources);
        DType expected = spec.body() instanceof Expr.Cast c ? c.to() : inputType;
        if (launch.output().dtype() != expected) {
            throw DeviceException.invalid(out + ".dtype", spec.name() + " produces " + expected + ", the output is "
                    + launch.output().dtype() + (spec.body() instanceof Expr.Cast ? "" : " (end the body with a cast to change type)"));
        }
        for (int d = 0; d < shape.length; d++) {
            long stride = launch.output().stride(d);
            if (d == axis && stride != 0) {
                throw DeviceException.invalid(out + ".strides[" + d + "]", "must be 0 along the reduced axis, was " + stride);
            }
            if (d != axis && stride == 0 && shape[d] > 1) {
                throw DeviceException.invalid(out + ".strides[" + d + "]", "0 would write one element " + shape[d] + " times");
            }
        }
    }

    /** @param operand the input's index, or -1 for the output */
    private static void check(TensorArg arg, long[] shape, int operand, Resources resources) {
        if (resources.tensor(arg.handle()).map(t -> fits(arg, shape, t)).orElse(false)) {
            return; // the common case, checked without building field names
        }
        String at = operand < 0 ? ".output" : ".inputs[" + operand + "]";
        Tensor tensor = resources.tensor(arg.handle()).orElseThrow(() -> new DeviceException(DeviceException.Kind.NOT_FOUND,
                at + ".handle", "no tensor with handle " + arg.handle()));
        if (tensor.dtype() != arg.dtype()) {
            throw DeviceException.invalid(at + ".dtype", "says " + arg.dtype() + " but tensor " + arg.handle() + " holds " + tensor.dtype());
        }
        if (arg.rank() != shape.length) {
            throw DeviceException.invalid(at + ".strides", arg.rank() + " strides for a " + shape.length + "-dimensional launch");
        }
        try {
            new TensorView(arg.dtype(), shape, arg.strides(), arg.offset(), tensor.elements());
        } catch (TensorView.InvalidViewException e) {
            throw DeviceException.invalid(at + "." + e.field(), e.getMessage().substring(e.field().length() + 2));
        } catch (ArithmeticException e) {
            throw DeviceException.invalid(at + ".strides", "the view's extent overflows 64 bits");
        }
    }
}
