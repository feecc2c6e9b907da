package io.keelson.gpuos.core.device;

/**
 * A request the device refuses, naming the field that is wrong (gRPC field violations are built from
 * it) and the kind of refusal, so the transport can choose the status code.
 */
public final class DeviceException extends RuntimeException {

    /** Why the request was refused; each maps to one gRPC status. */
    public enum Kind {
        /** Malformed: shapes, strides, dtypes, arities (INVALID_ARGUMENT). */
        INVALID,
        /** A handle or operator name that does not exist (NOT_FOUND). */
        NOT_FOUND,
        /** A size or memory limit (RESOURCE_EXHAUSTED). */
        LIMIT,
        /** The operator state does not allow it now, e.g. the idle slot still runs tasks (FAILED_PRECONDITION). */
        CONFLICT
    }

    private final Kind kind;
    private final String field;

    public DeviceException(Kind kind, String field, String message) {
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

    public static DeviceException invalid(String field, String message) {
        return new DeviceException(Kind.INVALID, field, message);
    }
}
