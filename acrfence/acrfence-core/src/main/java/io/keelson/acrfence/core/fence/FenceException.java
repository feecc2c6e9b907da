package io.keelson.acrfence.core.fence;

/** A request the fence cannot take, naming the field: a bad argument, an unknown run, branch, checkpoint or tool. */
public final class FenceException extends RuntimeException {

    public enum Kind { INVALID, NOT_FOUND }

    private final Kind kind;
    private final String field;

    public FenceException(Kind kind, String field, String message) {
        super(field + ": " + message);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
