package io.keelson.wio.core.actor;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import io.keelson.wio.core.region.ActorSlot;

/**
 * One instance of an actor module on one side, over the actor's slot of the shared region. Only the side that owns
 * the actor calls it; another instance over the same slot (made ahead of a migration) sees the same state.
 */
public final class ActorInstance {

    /** The actor ABI's buffer sizes and verdicts. */
    public static final int INPUT_CAPACITY = 65536;
    static final int BAD_RECORD = -2;
    static final int NO_ROOM = -3;

    /** What became of one record. */
    public sealed interface Outcome permits Output, Dropped, Rejected {
    }

    /** The actor passed this on. */
    public record Output(byte[] bytes) implements Outcome {
    }

    /** The actor dropped the record (a filter that did not match). */
    public record Dropped() implements Outcome {
    }

    /** The actor refused the record; the stream goes on. */
    public record Rejected(String reason) implements Outcome {
    }

    /** The actor trapped, or ran past its time limit: a fault of the actor, not of the record. */
    public static final class Fault extends RuntimeException {
        public Fault(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ActorModule module;
    private final ActorSlot slot;
    private final CallLimit limit;
    private final Instance instance;
    private final Memory memory;
    private final ExportFunction init;
    private final ExportFunction configure;
    private final ExportFunction process;
    private final int input;
    private final int output;

    ActorInstance(ActorModule module, ActorSlot slot, Instance instance, CallLimit limit) {
        this.module = module;
        this.slot = slot;
        this.limit = limit;
        this.instance = instance;
        this.memory = instance.memory();
        this.init = instance.export("init");
        this.configure = instance.export("configure");
        this.process = instance.export("process");
        this.input = (int) instance.export("input").apply()[0];
        this.output = (int) instance.export("output").apply()[0];
    }

    public ActorModule module() {
        return module;
    }

    public ActorSlot slot() {
        return slot;
    }

    /** Resets the actor's state (once, when it is deployed). */
    public void init() {
        init.apply();
    }

    /**
     * @throws IllegalArgumentException when the actor refuses the configuration
     */
    public void configure(byte[] config) {
        requireFits(config.length);
        memory.write(input, config, 0, config.length);
        long verdict;
        try {
            verdict = limit.run(() -> configure.apply(config.length))[0];
        } catch (ChicoryException e) {
            throw new Fault("the actor " + module.name() + " trapped in configure: " + e.getMessage(), e);
        }
        if (verdict != 0) {
            throw new IllegalArgumentException("config: the actor " + module.name() + " refused it (" + verdict + ")");
        }
    }

    /**
     * Runs the actor on one record, within its time limit.
     *
     * @throws Fault when the actor traps or runs past its limit
     */
    public Outcome process(byte[] record) {
        requireFits(record.length);
        memory.write(input, record, 0, record.length);
        int n;
        try {
            n = (int) limit.run(() -> process.apply(record.length))[0];
        } catch (ChicoryException e) {
            throw new Fault("the actor " + module.name() + " trapped: " + e.getMessage(), e);
        }
        if (n == BAD_RECORD) {
            return new Rejected("the actor " + module.name() + " could not parse the record");
        }
        if (n < 0) {
            return new Rejected("the actor " + module.name() + " had no room for its output (" + n + ")");
        }
        return n == 0 ? new Dropped() : new Output(memory.readBytes(output, n));
    }

    /** Reads one of the actor's own counters or checks (an export taking nothing and returning one value, e.g. {@code stream_crc}). */
    public long read(String export) {
        return instance.export(export).apply()[0];
    }

    private static void requireFits(int length) {
        if (length > INPUT_CAPACITY) {
            throw new IllegalArgumentException("record: at most " + INPUT_CAPACITY + " bytes per actor call, was " + length);
        }
    }
}
