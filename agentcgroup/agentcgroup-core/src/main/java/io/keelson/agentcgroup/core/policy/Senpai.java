package io.keelson.agentcgroup.core.policy;

/**
 * senpai's controller (facebookincubator/senpai) for one cgroup: once a second the memory stall time since the
 * last second is added to an integral; above the target (10 ms) {@code memory.high} rises by
 * min((integral/target / 20)², 1) of itself, otherwise every 6 s it falls by min(1 % × ((target/integral) / 10)², 1 %);
 * always within [100 MiB, 100 GiB]. The simulator's tenants and the live sessions each get one.
 */
public final class Senpai {

    static final double TARGET_SECONDS = 0.010;
    static final double INTERVAL_SECONDS = 6;
    static final long MIN_HIGH = 100L << 20;
    static final long MAX_HIGH = 100L << 30;

    private double integral;
    private double lastAdjust;
    private double lastSecond;

    /** @param now the clock the caller steps with, in seconds */
    public Senpai(double now) {
        this.lastAdjust = now;
        this.lastSecond = now;
    }

    /** The first {@code memory.high}: the current usage, within senpai's bounds. */
    public static long initialHigh(long usage) {
        return clamp(Math.max(usage, MIN_HIGH));
    }

    /** Whether a second has passed since the last sample; the caller then measures the stall and calls {@link #adjust}. */
    public boolean due(double now) {
        return now - lastSecond >= 1.0 - 1e-9;
    }

    /**
     * One second's step: {@code stalledSeconds} is the memory stall time since the previous step (PSI "some");
     * returns the new {@code memory.high} (the same value when nothing changes).
     */
    public long adjust(double now, double stalledSeconds, long high) {
        lastSecond = now;
        integral += stalledSeconds;
        double limit = high;
        if (integral > TARGET_SECONDS) {
            double adj = Math.min(Math.pow(integral / TARGET_SECONDS / 20, 2), 1.0);
            integral = 0;
            lastAdjust = now;
            return clamp((long) (limit + limit * adj));
        }
        if (now - lastAdjust >= INTERVAL_SECONDS) {
            double adj = Math.min(0.01 * Math.pow(TARGET_SECONDS / Math.max(integral, 1e-6) / 10, 2), 0.01);
            integral = 0;
            lastAdjust = now;
            return clamp((long) (limit - limit * adj));
        }
        return high;
    }

    private static long clamp(long bytes) {
        return Math.max(MIN_HIGH, Math.min(bytes, MAX_HIGH));
    }
}
