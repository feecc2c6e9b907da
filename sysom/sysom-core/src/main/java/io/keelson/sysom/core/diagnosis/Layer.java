package io.keelson.sysom.core.diagnosis;

/** The layers of the differential diagnosis, from the symptom down to its cause. */
public enum Layer {
    L0_STEP_TIME("per-rank busy time per step against the job"),
    L1_COLLECTIVES("who arrives late, and which ring edges transfer slowly"),
    L2_KERNELS("GPU compute and copy time against the peers' median"),
    L3_CPU_STACKS("CPU stack samples of the slow rank against healthy ranks"),
    L4_OS("scheduler delay, memory reclaim and interrupts from the host");

    private final String reads;

    Layer(String reads) {
        this.reads = reads;
    }

    public String reads() {
        return reads;
    }
}
