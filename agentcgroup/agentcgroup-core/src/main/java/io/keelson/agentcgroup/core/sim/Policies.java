package io.keelson.agentcgroup.core.sim;

import io.keelson.agentcgroup.core.policy.MemoryQos;
import io.keelson.agentcgroup.core.policy.PressureKill;
import io.keelson.agentcgroup.core.policy.Senpai;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies compared in every replay: the field's baselines (no limits, static limits, Kubernetes
 * MemoryQoS, senpai, systemd-oomd) and AgentCgroup's own ({@link #agentCgroup}). Limits that need a size use
 * the tenant's trace (peak, average), as an operator sizing from history would.
 */
public final class Policies {

    private Policies() {
    }

    /** Every policy, baselines first, in the order results are reported. */
    public static List<Policy> all() {
        return List.of(none(), staticAtPeak(), staticAtAverage(), kubernetesMemoryQos(MemoryQos.DEFAULT_FACTOR), senpai(), oomd(), agentCgroup());
    }

    /** No limits: the kernel's global OOM killer picks the largest tenant when the host runs out. */
    public static Policy none() {
        return () -> "no limits";
    }

    /** memory.max at each tenant's peak. */
    public static Policy staticAtPeak() {
        return limitsOnce("static memory.max = peak", t -> t.spec().peak());
    }

    /** memory.max = {@code bytes} for every tenant (a scripted limit, as the real-kernel replay uses). */
    public static Policy fixedLimit(long bytes) {
        return limitsOnce("memory.max = " + bytes / 1_000_000 + " MB", t -> bytes);
    }

    /** memory.max at each tenant's average: what sizing for the typical load does. */
    public static Policy staticAtAverage() {
        return limitsOnce("static memory.max = average", t -> t.spec().average());
    }

    /**
     * Kubernetes MemoryQoS (KEP-2570): request = average, limit = peak; memory.max = limit and
     * memory.high = floor[(request + factor × (limit − request)) / page] × page.
     */
    public static Policy kubernetesMemoryQos(double factor) {
        return new Policy() {
            private boolean applied;

            @Override
            public String name() {
                return "kubernetes MemoryQoS (factor " + factor + ")";
            }

            @Override
            public void tick(Host host) {
                if (applied) {
                    return;
                }
                applied = true;
                for (Host.Tenant t : host.tenants()) {
                    host.setMax(t, t.spec().peak());
                    host.setHigh(t, MemoryQos.memoryHigh(t.spec().average(), t.spec().peak(), factor));
                }
            }
        };
    }

    /** memory.max = {@code size} for every tenant, set on the first tick. */
    private static Policy limitsOnce(String name, java.util.function.ToLongFunction<Host.Tenant> size) {
        return new Policy() {
            private boolean applied;

            @Override
            public String name() {
                return name;
            }

            @Override
            public void tick(Host host) {
                if (!applied) {
                    applied = true;
                    host.tenants().forEach(t -> host.setMax(t, size.applyAsLong(t)));
                }
            }
        };
    }

    /** senpai ({@link Senpai}) on each tenant, fed the tenant's stall time over the last second. */
    public static Policy senpai() {
        return new Policy() {
            private final Map<Host.Tenant, Senpai> controllers = new HashMap<>();

            @Override
            public String name() {
                return "senpai";
            }

            @Override
            public void tick(Host host) {
                for (Host.Tenant t : host.tenants()) {
                    if (!t.alive()) {
                        continue;
                    }
                    Senpai senpai = controllers.computeIfAbsent(t, k -> new Senpai(host.now()));
                    if (t.high() == Long.MAX_VALUE) {
                        host.setHigh(t, Senpai.initialHigh(t.usage()));
                    }
                    if (senpai.due(host.now())) {
                        host.setHigh(t, senpai.adjust(host.now(), t.stalledLast(10), t.high()));
                    }
                }
            }
        };
    }

    /** systemd-oomd's rule ({@link PressureKill}): a tenant whose memory pressure stays above 60 % for 30 s is killed; no limits otherwise. */
    public static Policy oomd() {
        return new Policy() {
            private final PressureKill<Host.Tenant> rule = new PressureKill<>(PressureKill.DEFAULT_LIMIT, PressureKill.DEFAULT_SECONDS);

            @Override
            public String name() {
                return "systemd-oomd (60% for 30 s)";
            }

            @Override
            public void tick(Host host) {
                for (Host.Tenant t : host.tenants()) {
                    if (t.alive()) {
                        rule.observe(t, t.pressure(), host.now());
                    } else {
                        rule.forget(t);
                    }
                }
                rule.victim(host.now()).ifPresent(t -> host.kill(t, "systemd-oomd: memory pressure above 60% for 30 s"));
            }
        };
    }

    /** AgentCgroup's policy: see {@link AgentCgroupPolicy}. */
    public static Policy agentCgroup() {
        return new AgentCgroupPolicy();
    }
}
