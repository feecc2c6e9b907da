package io.keelson.agentcgroup.core.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Deterministic replay of tenants' memory traces on a host of fixed capacity, in ticks (100 ms by default),
 * far faster than real time. Each tick the policy acts, then every running tenant (in an order drawn from the
 * seed) tries to advance one tick of its trace:
 * <ul>
 *   <li>over its {@code max}: the cgroup OOM-kills it;</li>
 *   <li>over its {@code high}: it is throttled (no progress this tick, counted as pressure);</li>
 *   <li>the policy may hold back its allocation (an injected delay);</li>
 *   <li>the host cannot hold it: the kernel OOM-kills the policy's victim (by default the largest tenant);</li>
 *   <li>otherwise it allocates: every allocation costs its page faults (bytes at the fault rate), and one that
 *   would leave less than the watermark free also waits for direct reclaim of the shortfall at the reclaim
 *   rate; the wait is the allocation's stall, paid out of the tenant's next ticks.</li>
 * </ul>
 * A tenant that makes no progress for the scenario's stall limit counts as livelocked and is ended.
 */
public final class Simulator {

    private static final int PRESSURE_TICKS = 100; // a 10 s PSI-like window at 100 ms ticks
    private static final int HISTORY_TICKS = 10;   // 1 s of usage history for growth

    private Simulator() {
    }

    public static SimResult run(Scenario scenario, Policy policy) {
        Host host = new Host(scenario, PRESSURE_TICKS, HISTORY_TICKS);
        double dt = scenario.tickSeconds();
        double longest = scenario.tenants().stream().mapToDouble(TenantSpec::duration).max().orElse(0);
        double end = longest * 10 + 600;
        Random order = new Random(scenario.seed());
        List<Host.Tenant> running = new ArrayList<>(host.tenants());
        while (host.tenants().stream().anyMatch(Host.Tenant::alive) && host.now < end) {
            policy.tick(host);
            Collections.shuffle(running, order);
            for (Host.Tenant t : running) {
                if (t.alive()) {
                    step(host, policy, t, dt);
                }
            }
            for (Host.Tenant t : host.tenants()) {
                if (t.max != Long.MAX_VALUE && t.alive()) {
                    host.overProvisioned += Math.max(0, Math.min(t.max, host.capacity()) - t.usage) * dt;
                }
                t.usageHistory[t.historyAt] = t.usage;
                t.historyAt = (t.historyAt + 1) % t.usageHistory.length;
                t.pressureAt = (t.pressureAt + 1) % t.pressure.length;
                t.pressure[t.pressureAt] = 0;
                if (t.alive() && t.noProgress >= scenario.stallLimitSeconds()) {
                    host.kill(t, "livelock: no progress for " + (int) scenario.stallLimitSeconds() + " s");
                }
            }
            host.now += dt;
        }
        List<SimResult.TenantResult> results = new ArrayList<>();
        for (Host.Tenant t : host.tenants()) {
            double duration = t.spec().duration();
            double finish = t.done ? t.finishedAt : host.now;
            results.add(new SimResult.TenantResult(t.spec().name(), t.spec().priority(), t.done, t.killed, finish,
                    duration == 0 ? 0 : finish / duration - 1, t.allocationStalls.size(), p95(t.allocationStalls) * 1000,
                    t.reclaimStalls, t.delayedSeconds, t.frozenSeconds, t.throttledSeconds, t.peakUsage));
        }
        return new SimResult(policy.name(), scenario.capacityBytes(), results, host.overProvisioned / 1e6, host.now);
    }

    private static void step(Host host, Policy policy, Host.Tenant t, double dt) {
        if (t.frozen) {
            t.frozenSeconds += dt;
            t.noProgress += dt;
            return;
        }
        if (host.now < t.delayedUntil) {
            stall(t, dt);
            t.delayedSeconds += dt;
            return;
        }
        double budget = dt;
        if (t.carryStall > 0) {
            double paid = Math.min(t.carryStall, budget);
            t.carryStall -= paid;
            budget -= paid;
            stall(t, paid);
            if (budget <= 0) {
                return;
            }
        }
        double next = Math.min(t.progress + budget, t.spec().duration());
        long target = t.spec().demand(next);
        if (target > t.max) {
            host.kill(t, "OOM: over its memory limit of " + t.max / 1_000_000 + " MB");
            return;
        }
        if (target > t.high) {
            // memory.high: the allocation is throttled (reclaim cannot take a working set), no progress this tick
            t.throttledSeconds += budget;
            stall(t, budget);
            return;
        }
        long need = target - t.usage;
        if (need > 0) {
            if (!policy.admit(host, t, need)) {
                t.delayedSeconds += budget;
                stall(t, budget);
                return;
            }
            while (host.used() + need > host.capacity() && t.alive()) {
                Host.Tenant victim = policy.oomVictim(host);
                host.kill(victim, "OOM: the host ran out of memory (" + host.capacity() / 1_000_000 + " MB)");
            }
            if (!t.alive()) {
                return;
            }
            long freeAfter = host.free() - need;
            double reclaim = freeAfter < host.watermark()
                    ? Math.min(need, host.watermark() - freeAfter) / host.scenarioReclaimRate() : 0;
            if (reclaim > 0) {
                t.reclaimStalls++;
            }
            double stall = need / host.scenarioFaultRate() + reclaim;
            t.allocationStalls.add(stall);
            t.carryStall += stall;
        }
        t.usage = target;
        t.peakUsage = Math.max(t.peakUsage, target);
        t.progress = next;
        t.noProgress = 0;
        if (t.progress >= t.spec().duration()) {
            t.done = true;
            t.finishedAt = host.now + dt;
        }
    }

    private static void stall(Host.Tenant t, double seconds) {
        t.pressure[t.pressureAt] += seconds;
        t.noProgress += seconds;
    }

    static double p95(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(0.95 * sorted.size()) - 1));
    }
}
