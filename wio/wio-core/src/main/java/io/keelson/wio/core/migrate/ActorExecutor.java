package io.keelson.wio.core.migrate;

import io.keelson.wio.core.actor.ActorInstance;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.region.RecordRing;

import java.util.Optional;

/**
 * One side's executor of one actor - the host's or the device's - with its own instance of the actor made ahead of
 * time over the actor's slot. It runs records only while its side owns the actor; at a record boundary it honours a
 * drain: it finishes the call in flight, publishes the epoch it drained, and stops.
 */
public final class ActorExecutor {

    /** Where each record's outcome goes, with the record's sequence number in the actor's stream. */
    @FunctionalInterface
    public interface Sink {
        void accept(long sequence, ActorInstance.Outcome outcome);
    }

    /** Why {@link #run} returned. */
    public enum Stop { IDLE, NOT_OWNER, DRAINED, BUDGET, FAILED }

    private final ControlBlock.Side side;
    private final ActorInstance instance;
    private final ControlBlock control;
    private final RecordRing ring;
    private final Sink sink;
    private volatile String fault;

    public ActorExecutor(ControlBlock.Side side, ActorInstance instance, Sink sink) {
        this.side = side;
        this.instance = instance;
        this.control = instance.slot().control();
        this.ring = instance.slot().ring();
        this.sink = sink;
    }

    public ControlBlock.Side side() {
        return side;
    }

    /** What made this side fail the actor, if it did. */
    public Optional<String> fault() {
        return Optional.ofNullable(fault);
    }

    /** Runs at most {@code maxRecords} records, while this side owns the actor and records wait. */
    public Stop run(int maxRecords) {
        for (int done = 0; done < maxRecords; done++) {
            // state before owner: a take-over writes the owner, then RUNNING, so seeing RUNNING after a drain means
            // seeing the new owner too, and a drained side never runs a record of its successor's
            ControlBlock.State state = control.state();
            if (control.owner() != side) {
                return Stop.NOT_OWNER;
            }
            if (state == ControlBlock.State.FAILED) {
                return Stop.FAILED;
            }
            if (state == ControlBlock.State.DRAINING) {
                control.drainedEpoch(control.epoch()); // after this side's last output: the other side may go on
                return Stop.DRAINED;
            }
            Optional<byte[]> record = ring.peek();
            if (record.isEmpty()) {
                return Stop.IDLE;
            }
            long sequence = control.processed();
            ActorInstance.Outcome outcome;
            try {
                outcome = instance.process(record.get());
            } catch (ActorInstance.Fault f) {
                fault = f.getMessage();
                control.state(ControlBlock.State.FAILED); // the record stays at the head: nothing acknowledged is lost
                return Stop.FAILED;
            }
            sink.accept(sequence, outcome);
            control.processed(sequence + 1);
            ring.advance();
        }
        return Stop.BUDGET;
    }
}
