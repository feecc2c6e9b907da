package io.keelson.gpuos.core.ir;

/**
 * Element-wise functions of two values, computed in f32. Comparisons yield 1 or 0 (the value
 * {@code select} tests); {@code max}/{@code min} propagate NaN, as PyTorch's do.
 */
public enum BinaryOp {
    ADD("add"),
    SUB("sub"),
    MUL("mul"),
    DIV("div"),
    MAX("max"),
    MIN("min"),
    POW("pow"),
    LT("lt"),
    LE("le"),
    GT("gt"),
    GE("ge"),
    EQ("eq"),
    NE("ne");

    private final String symbol;

    BinaryOp(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> (float) Math.pow(a, b);
            case LT -> a < b ? 1f : 0f;
            case LE -> a <= b ? 1f : 0f;
            case GT -> a > b ? 1f : 0f;
            case GE -> a >= b ? 1f : 0f;
            case EQ -> a == b ? 1f : 0f;
            case NE -> a != b ? 1f : 0f;
        };
    }
}
