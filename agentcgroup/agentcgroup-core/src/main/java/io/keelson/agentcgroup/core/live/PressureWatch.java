package io.keelson.agentcgroup.core.live;

import io.keelson.agentcgroup.core.cgroup.CgroupException;
import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.cgroup.PressureTrigger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Runs a policy round the moment the host stalls on memory (a PSI trigger on the cgroup2 root, which counts the
 * sessions' tasks with every other), between the policy's regular 100 ms ticks: where the host kernel has PSI
 * triggers, memory trouble is acted on when the kernel reports it, not up to a tick later. The emulated tree has
 * none; its policies sample.
 */
public final class PressureWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PressureWatch.class.getName());

    private final PressureTrigger trigger;
    private final Thread thread;
    private final AtomicLong fired = new AtomicLong();
    private volatile boolean closed;

    private PressureWatch(PressureTrigger trigger, Runnable onPressure) {
        this.trigger = trigger;
        this.thread = new Thread(() -> watch(onPressure), "agentcgroup-pressure-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Watches the host for {@code stall} of memory stall per {@code window} and runs {@code onPressure}
     * each time; empty (the caller keeps sampling) where the kernel offers no trigger.
     */
    public static Optional<PressureWatch> start(Cgroups cgroups, Duration stall, Duration window, Runnable onPressure) {
        return cgroups.kernelPressureFile().flatMap(file -> PressureTrigger.arm(file, stall, window))
                .map(trigger -> new PressureWatch(trigger, onPressure));
    }

    /** The trigger's window as the kernel took it. */
    public Duration window() {
        return trigger.window();
    }

    /** How many times the trigger fired. */
    public long fired() {
        return fired.get();
    }

    private void watch(Runnable onPressure) {
        while (!closed) {
            try {
                if (trigger.await(Duration.ofMillis(250))) {
                    fired.incrementAndGet();
                    onPressure.run();
                }
            } catch (CgroupException e) {
                LOG.warning("memory pressure watch stops: " + e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.warning("policy round on memory pressure: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        trigger.close();
    }
}
