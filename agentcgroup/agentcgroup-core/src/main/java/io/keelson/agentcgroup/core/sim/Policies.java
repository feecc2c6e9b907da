package io.keelson.agentcgroup.core.sim;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies compared in every replay: the field's baselines (no limits, static limits, Kubernetes
 * MemoryQoS, senpai, systemd-oomd) and AgentCgroup's own ({@link #agentCgroup}). Limits that need a size use
 * the tenant's trace (peak, average), as an operator sizing from history would.
 */
public final class Policies {

    static final long MIB = 1024 * 1024;
    private static final long PAGE = 4096;

    private Policies() {
    }

    /** Every policy, baselines first, in the order results are reported. */
    public static List<Policy> all() {
        return List.of(none(), staticAtPeak(), staticAtAverage(), kubernetesMemoryQos(0.9), senpai(), oomd(), agentCgroup());
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
                    long request = t.spec().average();
                    long limit = t.spec().peak();
                    host.setMax(t, limit);
                    host.setHigh(t, (long) Math.floor((request + factor * (limit - request)) / PAGE) * PAGE);
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

    /**
     * senpai (facebookincubator/senpai): every second the stall time is added to an integral; above the target
     * (10 ms) memory.high rises by min((integral/target / 20)², 1); otherwise every 6 s it falls by
     * min(1 % × ((target/integral) / 10)², 1 %); clamped to [100 MiB, 100 GiB].
     */
    public static Policy senpai() {
        return new Policy() {
            private static final double TARGET = 0.010;
            private static final double INTERVAL = 6;
            private final Map<Host.Tenant, double[]> state = new HashMap<>(); // integral, last adjust, last second

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
                    double[] s = state.computeIfAbsent(t, k -> new double[]{0, host.now(), host.now()});
                    if (t.high() == Long.MAX_VALUE) {
                        host.setHigh(t, clamp(Math.max(t.usage(), 100 * MIB)));
                    }
                    if (host.now() - s[2] < 1.0 - 1e-9) {
                        continue;
                    }
                    s[2] = host.now();
                    s[0] += t.stalledLast(10);
                    double limit = t.high();
                    if (s[0] > TARGET) {
                        double error = s[0] / TARGET;
                        double adj = Math.min(Math.pow(error / 20, 2), 1.0);
                        host.setHigh(t, clamp((long) (limit + limit * adj)));
                        s[0] = 0;
                        s[1] = host.now();
                    } else if (host.now() - s[1] >= INTERVAL) {
                        double error = TARGET / Math.max(s[0], 1e-6);
                        double adj = Math.min(0.01 * Math.pow(error / 10, 2), 0.01);
                        host.setHigh(t, clamp((long) (limit - limit * adj)));
                        s[0] = 0;
                        s[1] = host.now();
                    }
                }
            }

            private long clamp(long bytes) {
                return Math.max(100 * MIB, Math.min(bytes, 100L * 1024 * MIB));
            }
        };
    }

    /**
     * systemd-oomd: a tenant whose memory pressure stays above 60 % for 30 s is killed (the one under most
     * pressure); no limits otherwise.
     */
    public static Policy oomd() {
        return new Policy() {
            private final Map<Host.Tenant, Double> since = new HashMap<>();

            @Override
            public String name() {
                return "systemd-oomd (60% for 30 s)";
            }

            @Override
            public void tick(Host host) {
                for (Host.Tenant t : host.tenants()) {
                    if (t.alive() && t.pressure() > 0.60) {
                        since.putIfAbsent(t, host.now());
                    } else {
                        since.remove(t);
                    }
                }
                since.entrySet().stream().filter(e -> host.now() - e.getValue() >= 30)
                        .max(Comparator.comparingDouble(e -> e.getKey().pressure()))
                        .ifPresent(e -> host.kill(e.getKey(), "systemd-oomd: memory pressure above 60% for 30 s"));
            }
        };
    }

    /** AgentCgroup's policy: see {@link AgentCgroupPolicy}. */
    public static Policy agentCgroup() {
        return new AgentCgroupPolicy();
    }
}
