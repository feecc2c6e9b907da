package io.keelson.gpuos.core.queue;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The host's watchdog over a worker: a worker that has work waiting but whose heartbeat has not
 * moved for {@code stallAfter} is reported stuck and relaunched. Call {@link #check} periodically
 * (the service schedules it); it is deterministic given the times it is called at.
 */
public final class Watchdog {

    /** What a stall looked like when it was detected. */
    public record Stall(long heartbeat, long pendingTasks, Duration silentFor) {
    }

    private final TaskRing ring;
    private final Duration stallAfter;
    private final Consumer<Stall> relaunch;
    private long lastBeat = -1;
    private long lastChangeNanos;

    /** @param relaunch reports the stall and starts a fresh worker on the same ring */
    public Watchdog(TaskRing ring, Duration stallAfter, Consumer<Stall> relaunch) {
        this.ring = ring;
        this.stallAfter = stallAfter;
        this.relaunch = relaunch;
    }

    /** @return whether a stall was detected (and the relaunch called) at {@code nowNanos} */
    public synchronized boolean check(long nowNanos) {
        long beat = ring.heartbeat();
        if (beat != lastBeat) {
            lastBeat = beat;
            lastChangeNanos = nowNanos;
            return false;
        }
        Duration silent = Duration.ofNanos(nowNanos - lastChangeNanos);
        long pending = ring.depth();
        if (pending == 0 || silent.compareTo(stallAfter) < 0) {
            return false;
        }
        relaunch.accept(new Stall(beat, pending, silent));
        lastChangeNanos = nowNanos; // give the new worker a full period before judging it
        return true;
    }
}
