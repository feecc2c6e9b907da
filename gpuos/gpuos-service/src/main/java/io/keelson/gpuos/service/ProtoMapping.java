package io.keelson.gpuos.service;

import io.keelson.common.v1.Backend;
import io.keelson.gpuos.core.cpu.CpuDevice;
import io.keelson.gpuos.core.device.Launch;
import io.keelson.gpuos.core.device.TensorArg;
import io.keelson.gpuos.core.ir.ReduceKind;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorView;
import io.keelson.common.grpc.Violations;
import io.keelson.gpuos.v1.Operand;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Between the wire types of {@code keelson.gpuos.v1} and the engine's, collecting every field violation. */
final class ProtoMapping {

    private ProtoMapping() {
    }

    static Backend backend(String name) {
        return CpuDevice.BACKEND.equals(name) ? Backend.BACKEND_CPU_EMULATED : Backend.BACKEND_CUDA;
    }

    static Optional<DType> dtype(io.keelson.gpuos.v1.DType wire) {
        return switch (wire) {
            case DTYPE_F32 -> Optional.of(DType.F32);
            case DTYPE_F16 -> Optional.of(DType.F16);
            case DTYPE_BF16 -> Optional.of(DType.BF16);
            case DTYPE_I32 -> Optional.of(DType.I32);
            default -> Optional.empty();
        };
    }

    static io.keelson.gpuos.v1.DType wire(DType dtype) {
        return switch (dtype) {
            case F32 -> io.keelson.gpuos.v1.DType.DTYPE_F32;
            case F16 -> io.keelson.gpuos.v1.DType.DTYPE_F16;
            case BF16 -> io.keelson.gpuos.v1.DType.DTYPE_BF16;
            case I32 -> io.keelson.gpuos.v1.DType.DTYPE_I32;
        };
    }

    static Optional<ReduceKind> reduction(io.keelson.gpuos.v1.ReduceKind wire) {
        return switch (wire) {
            case REDUCE_KIND_SUM -> Optional.of(ReduceKind.SUM);
            case REDUCE_KIND_MEAN -> Optional.of(ReduceKind.MEAN);
            case REDUCE_KIND_PROD -> Optional.of(ReduceKind.PROD);
            case REDUCE_KIND_MAX -> Optional.of(ReduceKind.MAX);
            case REDUCE_KIND_MIN -> Optional.of(ReduceKind.MIN);
            default -> Optional.empty();
        };
    }

    /** A checked shape: at most 8 dimensions, none negative (zero-sized launches are allowed; tensors check ≥ 1 element). */
    static long[] shape(List<Long> dims, String field, Violations v) {
        v.check(dims.size() <= TensorView.MAX_DIMS, field, "at most " + TensorView.MAX_DIMS + " dimensions, got " + dims.size());
        long[] shape = new long[Math.min(dims.size(), TensorView.MAX_DIMS)];
        for (int d = 0; d < shape.length; d++) {
            shape[d] = dims.get(d);
            v.check(shape[d] >= 0, field + "[" + d + "]", "must not be negative, was " + shape[d]);
        }
        return shape;
    }

    static List<Launch> launches(List<io.keelson.gpuos.v1.Launch> wire, Violations v) {
        v.check(!wire.isEmpty(), "launches", "at least one launch is required");
        List<Launch> launches = new ArrayList<>(wire.size());
        for (int i = 0; i < wire.size(); i++) {
            io.keelson.gpuos.v1.Launch w = wire.get(i);
            String at = "launches[" + i + "]";
            v.check(!w.getOperator().isEmpty(), at + ".operator", "is required");
            long[] shape = shape(w.getShapeList(), at + ".shape", v);
            List<TensorArg> inputs = new ArrayList<>(w.getInputsCount());
            for (int j = 0; j < w.getInputsCount(); j++) {
                inputs.add(operand(w.getInputs(j), at + ".inputs[" + j + "]", v));
            }
            v.check(w.hasOutput(), at + ".output", "is required");
            TensorArg output = operand(w.getOutput(), at + ".output", v);
            launches.add(new Launch(w.getOperator(), shape, w.hasReduceAxis() ? w.getReduceAxis() : -1, inputs, output));
        }
        return launches;
    }

    private static TensorArg operand(Operand o, String at, Violations v) {
        Optional<DType> dtype = dtype(o.getDtype());
        v.check(dtype.isPresent(), at + ".dtype", "is required (F32, F16, BF16 or I32)");
        v.check(o.getStridesCount() <= TensorView.MAX_DIMS, at + ".strides", "at most " + TensorView.MAX_DIMS + " strides");
        long[] strides = o.getStridesList().stream().mapToLong(Long::longValue).toArray();
        return new TensorArg(o.getHandle(), dtype.orElse(DType.F32), strides, o.getOffset());
    }
}
