package io.keelson.sysom.core.xfault;

/** What went wrong, as the diagnosis names it and as XFault injects it. */
public enum FaultClass {
    GPU_STRAGGLER,
    SLOW_LINK,
    CPU_CONTENTION,
    MEMORY_PRESSURE,
    PCIE_NIC_DEGRADATION,
    DATA_LOADER_STALL,
    COLLECTIVE_HANG,
    /** A rank is slow and no layer below L0 explains why. */
    UNEXPLAINED_SLOWDOWN
}
