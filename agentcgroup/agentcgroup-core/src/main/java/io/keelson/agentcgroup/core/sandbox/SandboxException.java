package io.keelson.agentcgroup.core.sandbox;

/** A request the sandbox refuses, naming the field that is wrong and the kind of refusal (each maps to one gRPC status). */
public final class SandboxException extends RuntimeException {

    /** Why: malformed or not allowed (INVALID_ARGUMENT), unknown (NOT_FOUND), clashing with what exists (ALREADY_EXISTS). */
    public enum Kind { INVALID, NOT_FOUND, EXISTS }

    private final Kind kind;
    private final String field;

    public SandboxException(Kind kind, String field, String message) {
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

    /** The message without the field prefix. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
