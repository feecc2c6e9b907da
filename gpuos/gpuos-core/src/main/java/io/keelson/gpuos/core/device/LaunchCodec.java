package io.keelson.gpuos.core.device;

import io.keelson.gpuos.core.operator.OperatorTable;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorView;

import java.nio.ByteBuffer;

/**
 * The fixed byte layout of one bound launch, as the worker reads it (little-endian, 8-byte aligned).
 * Views share the launch's shape, so an operand is only its handle, dtype, offset and strides:
 * <pre>
 *   0   int  logical operator        4   int  input count
 *   8   long epoch (the binding)     16  int  reduce axis (-1: none)   20 int rank
 *   24  long[8] shape
 *   88  operand[5] (inputs 0..3, then the output), 88 bytes each:
 *         +0 long handle  +8 int dtype code  +16 long offset  +24 long[8] strides
 * </pre>
 * Only the first {@code rank} entries of shape and strides are written or read, so a small launch costs
 * a few dozen bytes to encode, not {@link #LENGTH}.
 */
public final class LaunchCodec {

    public static final int MAX_OPERANDS = 5;
    public static final int LOGICAL = 0;
    public static final int INPUTS = 4;
    public static final int EPOCH = 8;
    public static final int AXIS = 16;
    public static final int RANK = 20;
    public static final int SHAPE = 24;
    public static final int OPERANDS = SHAPE + 8 * TensorView.MAX_DIMS;
    public static final int OPERAND_LENGTH = 24 + 8 * TensorView.MAX_DIMS;
    public static final int LENGTH = OPERANDS + MAX_OPERANDS * OPERAND_LENGTH;
    public static final int OUTPUT = MAX_OPERANDS - 1;

    private LaunchCodec() {
    }

    /** Writes a validated launch bound to {@code binding} at {@code at}. */
    public static void write(ByteBuffer to, int at, Launch launch, OperatorTable.Binding binding) {
        long[] shape = launch.shapeArray();
        int rank = shape.length;
        to.putInt(at + LOGICAL, binding.logical());
        to.putInt(at + INPUTS, launch.inputs().size());
        to.putLong(at + EPOCH, binding.epoch());
        to.putInt(at + AXIS, launch.reduceAxis());
        to.putInt(at + RANK, rank);
        for (int d = 0; d < rank; d++) {
            to.putLong(at + SHAPE + 8 * d, shape[d]);
        }
        for (int i = 0; i < launch.inputs().size(); i++) {
            writeOperand(to, at + OPERANDS + i * OPERAND_LENGTH, launch.inputs().get(i), rank);
        }
        writeOperand(to, at + OPERANDS + OUTPUT * OPERAND_LENGTH, launch.output(), rank);
    }

    private static void writeOperand(ByteBuffer to, int at, TensorArg arg, int rank) {
        to.putLong(at, arg.handle());
        to.putInt(at + 8, arg.dtype().code());
        to.putLong(at + 16, arg.offset());
        for (int d = 0; d < rank; d++) {
            to.putLong(at + 24 + 8 * d, arg.stride(d));
        }
    }

    public static OperatorTable.Binding binding(ByteBuffer from, int at) {
        return new OperatorTable.Binding(from.getInt(at + LOGICAL), from.getLong(at + EPOCH));
    }

    public static int inputCount(ByteBuffer from, int at) {
        return from.getInt(at + INPUTS);
    }

    public static int reduceAxis(ByteBuffer from, int at) {
        return from.getInt(at + AXIS);
    }

    public static long handle(ByteBuffer from, int at, int operand) {
        return from.getLong(at + OPERANDS + operand * OPERAND_LENGTH);
    }

    /**
     * Replaces an operand's handle with what the worker dereferences: the CUDA worker reads a device address
     * where the CPU worker reads a heap handle, so the CUDA backend rewrites each operand after {@link #write}.
     */
    public static void setHandle(ByteBuffer to, int at, int operand, long value) {
        to.putLong(at + OPERANDS + operand * OPERAND_LENGTH, value);
    }

    public static int rank(ByteBuffer from, int at) {
        int rank = from.getInt(at + RANK);
        if (rank < 0 || rank > TensorView.MAX_DIMS) {
            throw new IllegalStateException("corrupt launch: rank " + rank);
        }
        return rank;
    }

    public static long size(ByteBuffer from, int at, int d) {
        return from.getLong(at + SHAPE + 8 * d);
    }

    public static long stride(ByteBuffer from, int at, int operand, int d) {
        return from.getLong(at + OPERANDS + operand * OPERAND_LENGTH + 24 + 8 * d);
    }

    public static long offset(ByteBuffer from, int at, int operand) {
        return from.getLong(at + OPERANDS + operand * OPERAND_LENGTH + 16);
    }

    public static int dtypeCode(ByteBuffer from, int at, int operand) {
        return from.getInt(at + OPERANDS + operand * OPERAND_LENGTH + 8);
    }

}
