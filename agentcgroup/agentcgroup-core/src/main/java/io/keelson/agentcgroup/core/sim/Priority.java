package io.keelson.agentcgroup.core.sim;

/**
 * A session's priority: it sets its processes' {@code oom_score_adj}, so the kernel's OOM killer takes low ones first,
 * and its CPU weight (AgentCgroup's layout: a high-priority session gets three times a low one's CPU under contention).
 */
public enum Priority {
    HIGH(0, 150),
    LOW(500, 50);

    /** The kernel's default weight ({@code cpu.weight} 100): what a session gets where no policy sets one. */
    public static final int DEFAULT_CPU_WEIGHT = 100;

    private final int oomScoreAdj;
    private final int cpuWeight;

    Priority(int oomScoreAdj, int cpuWeight) {
        this.oomScoreAdj = oomScoreAdj;
        this.cpuWeight = cpuWeight;
    }

    /** Added to the kernel's badness as thousandths of memory; raising it needs no privilege. */
    public int oomScoreAdj() {
        return oomScoreAdj;
    }

    /** {@code cpu.weight} (v2) or, times 1024/100, {@code cpu.shares} (v1). */
    public int cpuWeight() {
        return cpuWeight;
    }
}
