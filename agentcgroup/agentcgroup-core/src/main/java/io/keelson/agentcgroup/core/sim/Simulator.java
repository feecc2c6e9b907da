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
 *   <li>otherwise it allocates: one that would leave less than the watermark free waits for direct reclaim of the
 *   shortfall at the reclaim rate, then faults its bytes in; tenants faulting at once share the host's CPUs by the
 *   CPU weight the policy gives them (at most one CPU each, at the fault rate per CPU); the allocation's stall, paid
 *   out of the tenant's next ticks, ends when its last byte is in.</li>
 * </ul>
 * A tenant that makes no progress for the scenario's stall limit counts as livelocked and is ended.
 */
public final class Simulator {

    private static final double PRESSURE_SECONDS = 10; // a PSI-like window
    private static final double HISTORY_SECONDS = 1;   // usage history for growth

    private Simulator() {
    }

    public static SimResult run(Scenario scenario, Policy policy) {
        double dt = scenario.tickSeconds();
        Host host = new Host(scenario, (int) Math.max(1, Math.round(PRESSURE_SECONDS / dt)), (int) Math.max(1, Math.round(HISTORY_SECONDS / dt)));
        double longest = scenario.tenants().stream().mapToDouble(TenantSpec::duration).max().orElse(0);
        double end = longest * 10 + 600;
        Random order = new Random(scenario.seed());
        List<Host.Tenant> running = new ArrayList<>(host.tenants());
        while (host.tenants().stream().anyMatch(Host.Tenant::alive) && host.now < end) {
            policy.tick(host);
            shareCpus(host, policy, scenario.cpuCores());
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
            t.pendingStall += paid;
            budget -= paid;
            stall(t, paid);
            if (budget <= 0) {
                return;
            }
        }
        if (t.faultLeft > 0) {
            double rate = t.faultShare * host.scenarioFaultRate();
            double seconds = t.faultLeft / rate;
            if (seconds > budget * (1 + 1e-9)) {
                t.faultLeft -= rate * budget;
                t.pendingStall += budget;
                stall(t, budget);
                return;
            }
            t.faultLeft = 0;
            t.allocationStalls.add(t.pendingStall + seconds);
            budget = Math.max(0, budget - seconds);
            stall(t, seconds);
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
            t.carryStall += reclaim;
            t.faultLeft = need;
            t.pendingStall = 0;
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

    /**
     * Shares the CPUs among the tenants with page faults to take this tick, by weight, at most one CPU each (the
     * kernel's fair scheduler: what a capped tenant cannot use goes to the others). Shares are set once a tick: a CPU
     * a tenant frees mid-tick goes to the others from the next one.
     */
    static void shareCpus(Host host, Policy policy, int cores) {
        List<Host.Tenant> faulting = new ArrayList<>();
        for (Host.Tenant t : host.tenants()) {
            if (t.alive() && t.faultLeft > 0 && !t.frozen && host.now >= t.delayedUntil) {
                faulting.add(t);
            }
        }
        double free = cores;
        while (!faulting.isEmpty()) {
            double weights = faulting.stream().mapToDouble(policy::cpuWeight).sum();
            double perWeight = free / weights;
            List<Host.Tenant> capped = faulting.stream().filter(t -> policy.cpuWeight(t) * perWeight >= 1).toList();
            if (capped.isEmpty()) {
                faulting.forEach(t -> t.faultShare = policy.cpuWeight(t) * perWeight);
                return;
            }
            for (Host.Tenant t : capped) {
                t.faultShare = 1;
                free -= 1;
            }
            faulting.removeAll(capped);
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
