package io.keelson.wio.core.actor;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A limit on how long one actor call may run - the fuel an infinite loop runs out of. Chicory's compiled code and its
 * interpreter both stop at an interrupt of the calling thread, so a timer interrupts a call that outlives its limit
 * and the call ends with {@link ActorInstance.Fault}; a call that ends in time leaves the thread as it was. One
 * limit (one timer thread) serves every actor deployed with it.
 */
public final class CallLimit implements AutoCloseable {

    private final Duration limit;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wio-call-limit");
        t.setDaemon(true);
        return t;
    });

    public CallLimit(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("call limit: positive, was " + limit);
        }
        this.limit = limit;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    public Duration limit() {
        return limit;
    }

    <T> T run(Supplier<T> call) {
        Thread caller = Thread.currentThread();
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> alarm = timer.schedule(() -> {
            fired.set(true);
            caller.interrupt();
        }, limit.toNanos(), TimeUnit.NANOSECONDS);
        try {
            return call.get();
        } catch (ChicoryInterruptedException e) {
            if (fired.get()) {
                throw new ActorInstance.Fault("the call ran past its " + limit.toMillis() + " ms limit (an endless loop?)", e);
            }
            throw e;
        } finally {
            alarm.cancel(false);
            if (fired.get()) {
                Thread.interrupted(); // the timer's interrupt, not the caller's: clear it
            }
        }
    }
}
