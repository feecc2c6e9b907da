package io.keelson.agentcgroup.core.trace;

/** A trace record that cannot be read; the reader counts it under its message and skips it. */
public final class TraceFormatException extends RuntimeException {

    public TraceFormatException(String message) {
        super(message);
    }
}
