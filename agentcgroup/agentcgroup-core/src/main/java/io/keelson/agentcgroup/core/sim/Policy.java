package io.keelson.agentcgroup.core.sim;

import java.util.Comparator;

/**
 * A memory policy, run by the simulator on the same signals a real host gives (usage, limits, pressure,
 * growth): it acts every tick, may hold back an allocation, and chooses the victim when the host runs out.
 */
public interface Policy {

    String name();

    /** Called once per tick before tenants allocate. */
    default void tick(Host host) {
    }

    /**
     * Whether {@code tenant} may take {@code bytes} more now; false delays it to the next tick (counted as
     * injected delay), as memory.high throttling or a BPF allocation delay would.
     */
    default boolean admit(Host host, Host.Tenant tenant, long bytes) {
        return true;
    }

    /** The tenant's CPU weight, by which tenants faulting at once share the host's CPUs: the kernel's default unless the policy sets one. */
    default int cpuWeight(Host.Tenant tenant) {
        return Priority.DEFAULT_CPU_WEIGHT;
    }

    /** The kernel's choice when the host is out of memory: the largest tenant (its OOM score). */
    default Host.Tenant oomVictim(Host host) {
        return host.tenants().stream().filter(Host.Tenant::alive).max(Comparator.comparingLong(Host.Tenant::usage)).orElseThrow();
    }
}
