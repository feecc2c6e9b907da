package io.keelson.gpuos.core.ir;

/** Element-wise functions of one value, computed in f32. {@link #symbol} is the IR text and the CUDA helper's suffix. */
public enum UnaryOp {
    NEG("neg"),
    ABS("abs"),
    EXP("exp"),
    LOG("log"),
    SQRT("sqrt"),
    RSQRT("rsqrt"),
    SIN("sin"),
    COS("cos"),
    TANH("tanh"),
    SIGMOID("sigmoid"),
    RELU("relu"),
    FLOOR("floor"),
    CEIL("ceil"),
    RECIP("recip");

    private final String symbol;

    UnaryOp(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** The f32 result, as the CPU evaluator and the reference compute it. */
    public float apply(float x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case RSQRT -> (float) (1.0 / Math.sqrt(x));
            case SIN -> (float) Math.sin(x);
            case COS -> (float) Math.cos(x);
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case RELU -> x > 0 ? x : (x == x ? 0f : x); // NaN stays NaN, as in PyTorch
            case FLOOR -> (float) Math.floor(x);
            case CEIL -> (float) Math.ceil(x);
            case RECIP -> 1f / x;
        };
    }
}
