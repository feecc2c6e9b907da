package io.keelson.agentcgroup.core.live;

/**
 * A memory policy on the host's sessions (real or emulated cgroups), the live counterpart of a simulated
 * {@code Policy}: its owner calls {@link #tick} every 100 ms, and {@link #release} when another policy replaces it.
 */
public interface HostPolicy {

    /** The policy's name as {@code SetPolicy} takes it. */
    String name();

    /** One sampling and decision round. */
    void tick();

    /** Undoes what the policy set (limits, freezes), so the next one starts from a clean host. */
    void release();
}
