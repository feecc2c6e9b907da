package io.keelson.schedcp.core.store;

/** The durable store could not be reached or failed; nothing was changed that was acknowledged. */
public final class StoreUnavailable extends RuntimeException {

    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
