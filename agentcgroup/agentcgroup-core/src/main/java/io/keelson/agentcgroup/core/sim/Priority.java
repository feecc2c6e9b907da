package io.keelson.agentcgroup.core.sim;

/** A session's priority; it also sets its processes' {@code oom_score_adj}, so the kernel's OOM killer takes low ones first. */
public enum Priority {
    HIGH(0),
    LOW(500);

    private final int oomScoreAdj;

    Priority(int oomScoreAdj) {
        this.oomScoreAdj = oomScoreAdj;
    }

    /** Added to the kernel's badness as thousandths of memory; raising it needs no privilege. */
    public int oomScoreAdj() {
        return oomScoreAdj;
    }
}
