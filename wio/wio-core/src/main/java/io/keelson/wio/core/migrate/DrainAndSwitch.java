package io.keelson.wio.core.migrate;

import io.keelson.wio.core.region.ControlBlock;

import java.util.Locale;

/**
 * Zero-copy migration of an actor between host and device over the shared region. The actor's memory and queue stay
 * where they are; ownership moves:
 * <ol>
 *   <li>the requester moves the state RUNNING → DRAINING (refused while another migration is under way) and
 *   advances the epoch;</li>
 *   <li>producers keep appending to the actor's ring;</li>
 *   <li>the owner finishes the call in flight, and at its next record boundary publishes the epoch it drained
 *   (release) and stops;</li>
 *   <li>the destination, whose instance was made ahead on the same memory, sees that epoch (acquire), takes
 *   ownership and sets the state back to RUNNING;</li>
 *   <li>it resumes at the ring's head, with the actor's state where the source left it.</li>
 * </ol>
 * What crosses between the sides is {@link ControlBlock#SWITCH_BYTES} of the control block.
 */
public final class DrainAndSwitch {

    /** A migration asked for while one is under way, or of an actor that does not run. */
    public static final class InProgress extends IllegalStateException {
        public InProgress(String message) {
            super(message);
        }
    }

    private DrainAndSwitch() {
    }

    /** Steps 1: asks the owner to drain; returns the epoch the destination waits for. */
    public static long request(ControlBlock control) {
        if (!control.compareAndSetState(ControlBlock.State.RUNNING, ControlBlock.State.DRAINING)) {
            ControlBlock.State state = control.state();
            throw new InProgress(state == ControlBlock.State.DRAINING
                    ? "a migration of this actor is under way (epoch " + control.epoch() + ")"
                    : "the actor is " + state.name().toLowerCase(Locale.ROOT) + "; only a running actor migrates");
        }
        return control.advanceEpoch();
    }

    /** Step 4: the destination takes over if the source has drained {@code epoch}; false if not yet. */
    public static boolean tryTakeOver(ControlBlock control, ControlBlock.Side destination, long epoch) {
        if (control.drainedEpoch() != epoch) {
            return false;
        }
        control.owner(destination);
        control.state(ControlBlock.State.RUNNING);
        return true;
    }
}
