package io.keelson.agentcgroup.core.sim;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * AgentCgroup's policy, on signals a real host has (usage, each session's own peak so far, growth over the
 * last second, free memory):
 * <ul>
 *   <li>sessions carry CPU weights by priority (high 150, low 50, as the live sessions' cgroups do), so when several
 *   fault in memory at once the high-priority one gets a CPU first;</li>
 *   <li>high-priority sessions are never held back, and while one bursts the memory its burst is taking (its growth
 *   over the last second) is kept free for it (reserving up to its recent peak instead starved low-priority sessions
 *   whenever memory stayed short: 1-5 points less survival in the benchmark);</li>
 *   <li>a low-priority allocation that would eat into that reserve (or below the kernel's watermark) is
 *   delayed ({@value #DELAY_SECONDS} s, as the study's BPF delay), which also staggers two low-priority bursts
 *   that would otherwise coincide;</li>
 *   <li>a low-priority session held back for {@value #STARVING_AFTER_SECONDS} s is no longer asked to leave the
 *   reserve and the watermark free: it may take what the host has, as it would with no policy (holding it back
 *   further turned bursts that fit into kills: 1-2 points of survival at 80-90 % capacity);</li>
 *   <li>a low-priority session delayed for {@value #FREEZE_AFTER_SECONDS} s in a row is frozen, and thawed once
 *   memory is back; one frozen for {@value #KILL_AFTER_SECONDS} s is killed, newest first, so the memory it holds
 *   lets the others finish (throttle, then freeze, then kill);</li>
 *   <li>if the host still runs out, the kernel picks the victim by its badness (memory held, plus
 *   {@code oom_score_adj}/1000 of the host): low-priority sessions run with {@code oom_score_adj} 500 ({@link Priority#oomScoreAdj()}),
 *   so the largest low-priority session goes first, and a high-priority one only when it holds more than half the host
 *   beyond that session - protection is bounded, as memory.low is: a session that needs most of the host would take
 *   every other session with it and then usually die anyway. (Taking the newest low session instead lost up to
 *   2 points of survival at 50 % capacity: it often held too little to make room, so two died where one would do.)</li>
 * </ul>
 */
public final class AgentCgroupPolicy implements Policy {

    static final double DELAY_SECONDS = 2.0;
    static final double STARVING_AFTER_SECONDS = 20.0;
    static final double FREEZE_AFTER_SECONDS = 30.0;
    static final double KILL_AFTER_SECONDS = 20.0;

    /** The allocation each held-back low-priority session is waiting for. */
    private final Map<Host.Tenant, Long> waitingFor = new HashMap<>();

    @Override
    public String name() {
        return "agentcgroup (protect high, delay/freeze/kill low)";
    }

    @Override
    public void tick(Host host) {
        long reserve = reserve(host);
        host.tenants().stream().filter(t -> t.alive() && t.frozenFor(host.now()) >= KILL_AFTER_SECONDS)
                .max(Comparator.comparingInt(Host.Tenant::index))
                .ifPresent(t -> host.kill(t, "agentcgroup: frozen " + (int) KILL_AFTER_SECONDS
                        + " s while memory stayed short; killed (lowest priority, newest) to let the others finish"));
        for (Host.Tenant t : host.tenants()) {
            if (!t.alive() || t.spec().priority() != Priority.LOW) {
                continue;
            }
            boolean memoryBack = starving(t) ? host.free() > waitingFor.getOrDefault(t, 0L)
                    : host.free() - reserve > 2 * host.watermark() + t.recentGrowth();
            if (t.frozen() && memoryBack) {
                host.thaw(t);
            } else if (!t.frozen() && t.stuckFor() >= FREEZE_AFTER_SECONDS) {
                host.freeze(t);
            }
        }
    }

    @Override
    public boolean admit(Host host, Host.Tenant tenant, long bytes) {
        if (tenant.spec().priority() == Priority.HIGH) {
            return true;
        }
        boolean fits = starving(tenant) ? host.free() >= bytes : host.free() - bytes >= host.watermark() + reserve(host);
        if (fits) {
            return true;
        }
        waitingFor.put(tenant, bytes);
        host.delay(tenant, DELAY_SECONDS);
        return false;
    }

    private static boolean starving(Host.Tenant t) {
        return t.stuckFor() >= STARVING_AFTER_SECONDS;
    }

    /** What the high-priority sessions' current bursts may take next. */
    private static long reserve(Host host) {
        long reserve = 0;
        for (Host.Tenant t : host.tenants()) {
            if (t.alive() && t.spec().priority() == Priority.HIGH) {
                reserve += Math.max(0, t.recentGrowth());
            }
        }
        return reserve;
    }

    /** AgentCgroup's layout: sessions weighted by priority (high 150, low 50), so a high session's page faults get the CPU first. */
    @Override
    public int cpuWeight(Host.Tenant tenant) {
        return tenant.spec().priority().cpuWeight();
    }

    /** The kernel's choice (oom_badness): the most memory held, counting {@code oom_score_adj} as thousandths of the host. */
    @Override
    public Host.Tenant oomVictim(Host host) {
        return host.tenants().stream().filter(Host.Tenant::alive)
                .max(Comparator.comparingDouble((Host.Tenant t) -> t.usage() + t.spec().priority().oomScoreAdj() / 1000.0 * host.capacity()))
                .orElseThrow();
    }
}
