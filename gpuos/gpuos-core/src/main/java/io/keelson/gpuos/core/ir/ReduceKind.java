package io.keelson.gpuos.core.ir;

/** How an operator folds its values along the task's reduction axis (accumulated in f32, in axis order). */
public enum ReduceKind {
    SUM("sum", 0f),
    MEAN("mean", 0f),
    PROD("prod", 1f),
    MAX("max", Float.NEGATIVE_INFINITY),
    MIN("min", Float.POSITIVE_INFINITY);

    private final String symbol;
    private final float identity;

    ReduceKind(String symbol, float identity) {
        this.symbol = symbol;
        this.identity = identity;
    }

    public String symbol() {
        return symbol;
    }

    public float identity() {
        return identity;
    }

    public float combine(float acc, float x) {
        return switch (this) {
            case SUM, MEAN -> acc + x;
            case PROD -> acc * x;
            case MAX -> Math.max(acc, x);
            case MIN -> Math.min(acc, x);
        };
    }

    /** The value stored once {@code count} values were combined. */
    public float finish(float acc, long count) {
        return this == MEAN ? acc / count : acc;
    }
}
