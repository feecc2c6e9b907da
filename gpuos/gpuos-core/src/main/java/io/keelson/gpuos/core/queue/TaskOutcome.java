package io.keelson.gpuos.core.queue;

/** How one task ended. */
public sealed interface TaskOutcome {

    record Done(long ticket) implements TaskOutcome {
    }

    /** The task threw; the worker carried on. */
    record Failed(long ticket, String reason) implements TaskOutcome {
    }
}
