package io.keelson.agentcgroup.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The simulated host during a replay: its tenants' state, and the levers a {@link Policy} pulls (limits,
 * delay, freeze, thaw, kill) - the same levers the cgroup backends pull on a real host.
 */
public final class Host {

    /** One tenant's state and what happened to it. */
    public static final class Tenant {
        private final TenantSpec spec;
        private final int index;
        private final double tickSeconds;
        double progress;
        long usage;
        long max = Long.MAX_VALUE;
        long high = Long.MAX_VALUE;
        double delayedUntil;
        boolean frozen;
        boolean done;
        double finishedAt;
        Optional<String> killed = Optional.empty();
        double carryStall; // direct reclaim still to wait for
        double faultLeft;  // bytes of the latest allocation still to fault in
        double faultShare; // of a CPU, for this tick
        double pendingStall; // what the allocation under way has waited so far
        long peakUsage;
        int reclaimStalls;
        double noProgress;
        final List<Double> allocationStalls = new ArrayList<>();
        double delayedSeconds;
        double frozenSeconds;
        double throttledSeconds;
        final double[] pressure; // stalled seconds per tick, a ring over the last PRESSURE_TICKS ticks
        int pressureAt;
        final long[] usageHistory; // usage at the end of each of the last HISTORY_TICKS ticks
        int historyAt;
        double frozenSince = -1;

        Tenant(TenantSpec spec, int index, int pressureTicks, int historyTicks, double tickSeconds) {
            this.spec = spec;
            this.index = index;
            this.tickSeconds = tickSeconds;
            this.pressure = new double[pressureTicks];
            this.usageHistory = new long[historyTicks];
        }

        public TenantSpec spec() {
            return spec;
        }

        /** Order of arrival: the policy kills the newest low-priority tenant first. */
        public int index() {
            return index;
        }

        public long usage() {
            return usage;
        }

        public long max() {
            return max;
        }

        public long high() {
            return high;
        }

        public double progress() {
            return progress;
        }

        public boolean alive() {
            return killed.isEmpty() && !done;
        }

        public boolean frozen() {
            return frozen;
        }

        /** Fraction of the recent window this tenant spent stalled (a PSI "some" average). */
        public double pressure() {
            double sum = 0;
            for (double p : pressure) {
                sum += p;
            }
            return sum / (pressure.length * tickSeconds);
        }

        /** Seconds stalled over the last {@code ticks} ticks. */
        public double stalledLast(int ticks) {
            double sum = 0;
            for (int i = 0; i < Math.min(ticks, pressure.length); i++) {
                sum += pressure[Math.floorMod(pressureAt - i, pressure.length)];
            }
            return sum;
        }

        /** Seconds since the tenant last made progress (stalled, delayed or frozen all along). */
        public double stuckFor() {
            return noProgress;
        }

        /** Seconds this tenant has been frozen (0 when it is not). */
        public double frozenFor(double now) {
            return frozen ? now - frozenSince : 0;
        }

        /** Bytes the tenant grew over the recent history window (negative when it shrank). */
        public long recentGrowth() {
            return usage - usageHistory[historyAt];
        }
    }

    private final Scenario scenario;
    private final List<Tenant> tenants = new ArrayList<>();
    double now;
    double overProvisioned; // byte-seconds reserved by limits and not used

    Host(Scenario scenario, int pressureTicks, int historyTicks) {
        this.scenario = scenario;
        for (int i = 0; i < scenario.tenants().size(); i++) {
            tenants.add(new Tenant(scenario.tenants().get(i), i, pressureTicks, historyTicks, scenario.tickSeconds()));
        }
    }

    public double now() {
        return now;
    }

    public long capacity() {
        return scenario.capacityBytes();
    }

    double scenarioReclaimRate() {
        return scenario.reclaimBytesPerSecond();
    }

    double scenarioFaultRate() {
        return scenario.faultBytesPerSecond();
    }

    public long watermark() {
        return Math.round(scenario.capacityBytes() * scenario.watermarkFraction());
    }

    public List<Tenant> tenants() {
        return tenants;
    }

    public long used() {
        long used = 0;
        for (Tenant t : tenants) {
            if (t.alive()) {
                used += t.usage;
            }
        }
        return used;
    }

    public long free() {
        return capacity() - used();
    }

    public void setMax(Tenant t, long bytes) {
        t.max = bytes;
    }

    public void setHigh(Tenant t, long bytes) {
        t.high = bytes;
    }

    /** The tenant makes no progress and allocates nothing until {@code seconds} from now (memory.high throttling). */
    public void delay(Tenant t, double seconds) {
        t.delayedUntil = Math.max(t.delayedUntil, now + seconds);
    }

    public void freeze(Tenant t) {
        if (!t.frozen) {
            t.frozen = true;
            t.frozenSince = now;
        }
    }

    public void thaw(Tenant t) {
        t.frozen = false;
    }

    /** Ends the tenant; its memory returns to the host. */
    public void kill(Tenant t, String reason) {
        if (t.alive()) {
            t.killed = Optional.of(reason);
        }
    }
}
