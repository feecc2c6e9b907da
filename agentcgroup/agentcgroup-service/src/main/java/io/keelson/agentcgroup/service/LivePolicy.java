package io.keelson.agentcgroup.service;

import io.keelson.agentcgroup.core.live.PressureGuard;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;

import java.util.Set;
import java.util.function.Consumer;

/**
 * The host's live memory policy: {@code agentcgroup} (a {@link PressureGuard} ticking every 100 ms over the sessions
 * and a memory budget) or {@code none}. The other policies exist in the simulator only, so far.
 */
final class LivePolicy {

    static final Set<String> LIVE = Set.of("agentcgroup", "none");
    static final long MIN_BUDGET = 64L << 20;

    private final SessionRegistry sessions;
    private final Consumer<PressureGuard.Action> actions;
    private String policy;
    private long budget;
    private PressureGuard guard;

    LivePolicy(SessionRegistry sessions, long budget, Consumer<PressureGuard.Action> actions) {
        this.sessions = sessions;
        this.actions = actions;
        set("agentcgroup", budget);
    }

    synchronized void set(String newPolicy, long newBudget) {
        policy = newPolicy;
        budget = newBudget;
        guard = newPolicy.equals("agentcgroup") ? new PressureGuard(sessions, newBudget, actions) : null;
    }

    synchronized String policy() {
        return policy;
    }

    synchronized long budget() {
        return budget;
    }

    /** One round of the active policy (nothing under {@code none}). */
    void tick() {
        PressureGuard current;
        synchronized (this) {
            current = guard;
        }
        if (current != null) {
            current.tick();
        }
    }
}
