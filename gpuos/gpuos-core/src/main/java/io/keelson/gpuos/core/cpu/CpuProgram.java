package io.keelson.gpuos.core.cpu;

import io.keelson.gpuos.core.ir.BinaryOp;
import io.keelson.gpuos.core.ir.Expr;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.ir.UnaryOp;
import io.keelson.gpuos.core.tensor.DType;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An operator body compiled for the CPU backend: a straight-line register program whose registers are
 * blocks of {@link #BLOCK} floats. Each instruction is one tight loop over a block (which the JIT
 * vectorises), so the per-element cost is the arithmetic, not the dispatch: this is the "tight
 * interpreter" of the design, not a tree walk. Compilation numbers each distinct subexpression once
 * (a fused operator that reads {@code x0} twice loads it once) and reuses a register after its last use.
 *
 * <p>Register file: inputs in {@code 0..arity-1}, constants after them (filled once per task, never
 * written), then temporaries.
 */
public final class CpuProgram {

    public static final int BLOCK = 1024;

    private static final int UNARY = 0;
    private static final int BINARY = 1;
    private static final int SELECT = 2;
    private static final int CAST = 3;
    private static final UnaryOp[] UNARY_OPS = UnaryOp.values();
    private static final BinaryOp[] BINARY_OPS = BinaryOp.values();
    private static final DType[] DTYPES = DType.values();

    private final OperatorSpec spec;
    /** Per instruction: kind, operation ordinal, destination, operands a, b, c. */
    private final int[] code;
    private final float[] constants;
    private final int registers;
    private final int result;
    private final boolean[] inputUsed;

    private CpuProgram(OperatorSpec spec, int[] code, float[] constants, int registers, int result, boolean[] inputUsed) {
        this.spec = spec;
        this.code = code;
        this.constants = constants;
        this.registers = registers;
        this.result = result;
        this.inputUsed = inputUsed;
    }

    public OperatorSpec spec() {
        return spec;
    }

    /** Registers a frame for this program needs. */
    public int registers() {
        return registers;
    }

    public int instructions() {
        return code.length / 6;
    }

    boolean reads(int input) {
        return inputUsed[input];
    }

    int resultRegister() {
        return result;
    }

    /** Fills the constant registers of {@code frame}; once per task. */
    void prepare(float[][] frame) {
        int arity = spec.arity();
        for (int i = 0; i < constants.length; i++) {
            Arrays.fill(frame[arity + i], constants[i]);
        }
    }

    /** Runs the program over the first {@code count} lanes; inputs are already loaded. */
    void run(float[][] frame, int count) {
        for (int pc = 0; pc < code.length; pc += 6) {
            float[] d = frame[code[pc + 2]];
            float[] a = frame[code[pc + 3]];
            switch (code[pc]) {
                case UNARY -> unary(UNARY_OPS[code[pc + 1]], a, d, count);
                case BINARY -> binary(BINARY_OPS[code[pc + 1]], a, frame[code[pc + 4]], d, count);
                case SELECT -> {
                    float[] t = frame[code[pc + 4]];
                    float[] f = frame[code[pc + 5]];
                    for (int i = 0; i < count; i++) {
                        d[i] = a[i] != 0f ? t[i] : f[i];
                    }
                }
                default -> {
                    DType to = DTYPES[code[pc + 1]];
                    for (int i = 0; i < count; i++) {
                        d[i] = to.round(a[i]);
                    }
                }
            }
        }
    }

    private static void unary(UnaryOp op, float[] a, float[] d, int n) {
        switch (op) {
            case NEG -> {
                for (int i = 0; i < n; i++) {
                    d[i] = -a[i];
                }
            }
            case ABS -> {
                for (int i = 0; i < n; i++) {
                    d[i] = Math.abs(a[i]);
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    float x = a[i];
                    d[i] = x > 0f ? x : (x == x ? 0f : x);
                }
            }
            case RECIP -> {
                for (int i = 0; i < n; i++) {
                    d[i] = 1f / a[i];
                }
            }
            case SQRT -> {
                for (int i = 0; i < n; i++) {
                    d[i] = (float) Math.sqrt(a[i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    d[i] = op.apply(a[i]);
                }
            }
        }
    }

    private static void binary(BinaryOp op, float[] a, float[] b, float[] d, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    d[i] = a[i] + b[i];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    d[i] = a[i] - b[i];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    d[i] = a[i] * b[i];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    d[i] = a[i] / b[i];
                }
            }
            case MAX -> {
                for (int i = 0; i < n; i++) {
                    d[i] = Math.max(a[i], b[i]);
                }
            }
            case MIN -> {
                for (int i = 0; i < n; i++) {
                    d[i] = Math.min(a[i], b[i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    d[i] = op.apply(a[i], b[i]);
                }
            }
        }
    }

    /** Compiles a validated spec; cannot fail on one (the spec's checks are the compile errors of this backend). */
    public static CpuProgram compile(OperatorSpec spec) {
        return new Compiler(spec).compile();
    }

    /** Value numbering over the expression DAG, then linear-scan register reuse. */
    private static final class Compiler {
        private final OperatorSpec spec;
        private final Map<Expr, Integer> values = new HashMap<>();
        /** Per value: kind (-1 input, -2 constant, else instruction kind), op, operands. */
        private final List<int[]> defs = new ArrayList<>();
        private final List<Float> constantValues = new ArrayList<>();
        private final boolean[] inputUsed;

        Compiler(OperatorSpec spec) {
            this.spec = spec;
            this.inputUsed = new boolean[spec.arity()];
        }

        CpuProgram compile() {
            int root = number(spec.body());
            int valueCount = defs.size();
            int[] lastUse = new int[valueCount];
            Arrays.fill(lastUse, -1);
            for (int v = 0; v < valueCount; v++) {
                int[] def = defs.get(v);
                for (int k = 2; k < def.length; k++) {
                    lastUse[def[k]] = v;
                }
            }
            lastUse[root] = Integer.MAX_VALUE;
            int arity = spec.arity();
            int fixed = arity + constantValues.size();
            int[] register = new int[valueCount];
            Deque<Integer> free = new ArrayDeque<>();
            int next = fixed;
            List<int[]> code = new ArrayList<>();
            for (int v = 0; v < valueCount; v++) {
                int[] def = defs.get(v);
                if (def[0] < 0) {
                    register[v] = def[1]; // inputs and constants have fixed registers
                    continue;
                }
                int[] instruction = {def[0], def[1], 0, 0, 0, 0};
                for (int k = 2; k < def.length; k++) {
                    instruction[k + 1] = register[def[k]];
                }
                // operands whose last use is this instruction free their registers for its destination
                for (int k = 2; k < def.length; k++) {
                    int operand = def[k];
                    if (lastUse[operand] == v && register[operand] >= fixed && !free.contains(register[operand])) {
                        free.push(register[operand]);
                    }
                }
                register[v] = free.isEmpty() ? next++ : free.pop();
                instruction[2] = register[v];
                code.add(instruction);
            }
            float[] constants = new float[constantValues.size()];
            for (int i = 0; i < constants.length; i++) {
                constants[i] = constantValues.get(i);
            }
            int[] flat = new int[code.size() * 6];
            for (int i = 0; i < code.size(); i++) {
                System.arraycopy(code.get(i), 0, flat, i * 6, 6);
            }
            return new CpuProgram(spec, flat, constants, Math.max(next, fixed), register[root], inputUsed);
        }

        private int number(Expr expr) {
            Integer known = values.get(expr);
            if (known != null) {
                return known;
            }
            int[] def = expr.accept(new Expr.Visitor<int[]>() {
                @Override
                public int[] input(Expr.Input input) {
                    inputUsed[input.index()] = true;
                    return new int[]{-1, input.index()};
                }

                @Override
                public int[] constant(Expr.Constant constant) {
                    constantValues.add(constant.value());
                    return new int[]{-2, spec.arity() + constantValues.size() - 1};
                }

                @Override
                public int[] unary(Expr.Unary unary) {
                    return new int[]{UNARY, unary.op().ordinal(), number(unary.operand())};
                }

                @Override
                public int[] binary(Expr.Binary binary) {
                    return new int[]{BINARY, binary.op().ordinal(), number(binary.left()), number(binary.right())};
                }

                @Override
                public int[] select(Expr.Select select) {
                    return new int[]{SELECT, 0, number(select.condition()), number(select.ifTrue()), number(select.ifFalse())};
                }

                @Override
                public int[] cast(Expr.Cast cast) {
                    return new int[]{CAST, cast.to().ordinal(), number(cast.operand())};
                }
            });
            defs.add(def);
            values.put(expr, defs.size() - 1);
            return defs.size() - 1;
        }
    }
}
