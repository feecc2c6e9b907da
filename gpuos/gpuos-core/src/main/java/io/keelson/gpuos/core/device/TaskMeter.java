package io.keelson.gpuos.core.device;

import io.keelson.gpuos.core.queue.TaskRing;
import io.keelson.gpuos.core.queue.Watchdog;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Counts and times tasks for {@link DeviceStats}: totals, a one-second launch rate, recent latencies, heartbeat age. */
public final class TaskMeter {

    private static final int RATE_TICKS = 10;

    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong launches = new AtomicLong();
    private final LatencyWindow latencies = new LatencyWindow(4096);
    private final long[] tickTimes = new long[RATE_TICKS + 1];
    private final long[] tickLaunches = new long[RATE_TICKS + 1];
    private int ticks;
    private long lastBeat = -1;
    private long lastBeatChange = System.nanoTime();

    /**
     * Starts a daemon thread that, every 100 ms, lets {@code watchdog} judge the worker and records the launch
     * count and heartbeat for the rates and ages in {@link #snapshot}.
     */
    public ScheduledExecutorService housekeeping(String threadName, TaskRing ring, Watchdog watchdog) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            watchdog.check(now);
            tick(now, ring.heartbeat());
        }, 100, 100, TimeUnit.MILLISECONDS);
        return executor;
    }

    public void submitted() {
        submitted.incrementAndGet();
    }

    public void completed(long latencyNanos, int launchCount, boolean failedTask) {
        completed.incrementAndGet();
        launches.addAndGet(launchCount);
        if (failedTask) {
            failed.incrementAndGet();
        }
        latencies.record(latencyNanos);
    }

    /** Called about every 100 ms: remembers the launch count for the rate and when the heartbeat last moved. */
    public synchronized void tick(long nowNanos, long heartbeat) {
        int slot = ticks++ % tickTimes.length;
        tickTimes[slot] = nowNanos;
        tickLaunches[slot] = launches.get();
        if (heartbeat != lastBeat) {
            lastBeat = heartbeat;
            lastBeatChange = nowNanos;
        }
    }

    public synchronized DeviceStats snapshot(TaskRing ring, long relaunches, long tensors, long tensorBytes) {
        double rate = 0;
        if (ticks >= 2) {
            int newest = (ticks - 1) % tickTimes.length;
            int oldest = ticks > tickTimes.length ? ticks % tickTimes.length : 0;
            long dt = tickTimes[newest] - tickTimes[oldest];
            rate = dt > 0 ? (tickLaunches[newest] - tickLaunches[oldest]) * 1e9 / dt : 0;
        }
        return new DeviceStats(ring.depth(), submitted.get(), completed.get(), failed.get(), launches.get(), rate,
                latencies.quantile(0.5), latencies.quantile(0.99), ring.heartbeat(), System.nanoTime() - lastBeatChange,
                relaunches, tensors, tensorBytes);
    }
}
