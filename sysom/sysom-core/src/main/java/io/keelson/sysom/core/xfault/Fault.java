package io.keelson.sysom.core.xfault;

/**
 * A fault XFault injects from step {@code onset} on. {@code slowdown} is the extra time the fault costs where it
 * acts, as a fraction of the healthy time there (0.1: 10 % slower): of the rank's own work for rank faults, of the
 * link's transfer time for a slow link.
 */
public sealed interface Fault {

    int onset();

    FaultClass faultClass();

    Culprit culprit();

    /** A fault of one rank that makes its own work {@code slowdown} slower. */
    sealed interface SlowRank extends Fault {
        int rank();

        double slowdown();

        @Override
        default Culprit culprit() {
            return new Culprit.Rank(rank());
        }
    }

    /** The GPU runs its compute kernels slower (thermal throttling, a bad HBM stack, a lower clock). */
    record GpuStraggler(int rank, double slowdown, int onset) implements SlowRank {
        public FaultClass faultClass() {
            return FaultClass.GPU_STRAGGLER;
        }
    }

    /** One network link (rank {@code from}'s send to the next rank of its data-parallel ring) is slower. */
    record SlowLink(int from, int to, double slowdown, int onset) implements Fault {
        public FaultClass faultClass() {
            return FaultClass.SLOW_LINK;
        }

        public Culprit culprit() {
            return new Culprit.Link(from, to);
        }
    }

    /** Another process competes for the rank's host cores: its host-side work is delayed (scheduler run-queue delay). */
    record CpuContention(int rank, double slowdown, int onset) implements SlowRank {
        public FaultClass faultClass() {
            return FaultClass.CPU_CONTENTION;
        }
    }

    /** The rank's host reclaims memory: page faults and direct reclaim stall its host-side work. */
    record MemoryPressure(int rank, double slowdown, int onset) implements SlowRank {
        public FaultClass faultClass() {
            return FaultClass.MEMORY_PRESSURE;
        }
    }

    /** The rank's PCIe or NIC runs degraded: its host-device copies and its network sends and receives are slower. */
    record PcieNicDegradation(int rank, double slowdown, int onset) implements SlowRank {
        public FaultClass faultClass() {
            return FaultClass.PCIE_NIC_DEGRADATION;
        }
    }

    /** The rank's input pipeline stalls: each step waits longer for its batch. */
    record DataLoaderStall(int rank, double slowdown, int onset) implements SlowRank {
        public FaultClass faultClass() {
            return FaultClass.DATA_LOADER_STALL;
        }
    }

    /** The rank never arrives at its data-parallel all-reduce of step {@code onset}: the job hangs there. */
    record CollectiveHang(int rank, int onset) implements Fault {
        public FaultClass faultClass() {
            return FaultClass.COLLECTIVE_HANG;
        }

        public Culprit culprit() {
            return new Culprit.Rank(rank);
        }
    }
}
