package io.keelson.controlplane.state;

/** The state store failed (I/O, lost connection). Retriable: the store itself is unchanged. */
public final class StateException extends RuntimeException {

    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
