package io.keelson.sysom.agent;

/** The agent's own cost: the CPU time its JVM used between two readings, as a percentage of one CPU over that wall time. */
public final class AgentOverhead {

    private final ProcSampler sampler;
    private long lastCpu;
    private long lastWall;

    public AgentOverhead(ProcSampler sampler) {
        this.sampler = sampler;
        this.lastCpu = sampler.ownCpuNanos();
        this.lastWall = System.nanoTime();
    }

    public double percentSinceLast() {
        long cpu = sampler.ownCpuNanos();
        long wall = System.nanoTime();
        double percent = 100.0 * (cpu - lastCpu) / Math.max(1, wall - lastWall);
        lastCpu = cpu;
        lastWall = wall;
        return percent;
    }
}
