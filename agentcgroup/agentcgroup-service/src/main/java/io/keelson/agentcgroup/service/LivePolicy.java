package io.keelson.agentcgroup.service;

import io.grpc.Status;
import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.live.FixedLimits;
import io.keelson.agentcgroup.core.live.HostPolicy;
import io.keelson.agentcgroup.core.live.OomdPolicy;
import io.keelson.agentcgroup.core.live.PolicyAction;
import io.keelson.agentcgroup.core.live.PressureGuard;
import io.keelson.agentcgroup.core.live.SenpaiPolicy;
import io.keelson.agentcgroup.core.policy.MemoryQos;
import io.keelson.agentcgroup.core.policy.PressureKill;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;
import io.keelson.agentcgroup.v1.SetPolicyRequest;
import io.keelson.common.grpc.GrpcErrors;
import io.keelson.common.grpc.Violations;
import io.keelson.common.v1.ErrorReason;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The host's live memory policy, ticked every 100 ms: AgentCgroup's ({@link PressureGuard}, the default), none, or a
 * baseline - static limits and Kubernetes MemoryQoS ({@link FixedLimits}), senpai ({@link SenpaiPolicy}), systemd-oomd
 * ({@link OomdPolicy}) - each running the same algorithm as in the simulator. A policy the backend cannot carry
 * (memory.high or PSI missing) is refused, saying what is missing; switching releases what the old one set.
 */
final class LivePolicy {

    static final List<String> NAMES = List.of("agentcgroup", "none", "static", "kubernetes-memoryqos", "senpai", "oomd");
    static final long MIN_BUDGET = 64L << 20;

    private final SessionRegistry sessions;
    private final Cgroups cgroups;
    private final Consumer<PolicyAction> actions;
    private Optional<HostPolicy> policy;
    private String name;
    private long budget;
    private String settings;

    LivePolicy(SessionRegistry sessions, Cgroups cgroups, long budget, Consumer<PolicyAction> actions) {
        this.sessions = sessions;
        this.cgroups = cgroups;
        this.actions = actions;
        this.budget = budget;
        this.name = "agentcgroup";
        this.policy = Optional.of(new PressureGuard(sessions, budget, cgroups.hasMemoryHigh(), actions));
        this.settings = settings();
    }

    /** Validates {@code request} (every bad field named), checks the backend can carry it, and switches. */
    synchronized void set(SetPolicyRequest request) {
        Violations v = new Violations();
        String newName = request.getPolicy();
        v.check(NAMES.contains(newName), "policy", "one of " + NAMES + ", was '" + newName + "'");
        v.check(request.getMemoryBudgetBytes() == 0 || request.getMemoryBudgetBytes() >= MIN_BUDGET, "memory_budget_bytes",
                "at least " + (MIN_BUDGET >> 20) + " MiB, was " + request.getMemoryBudgetBytes());
        boolean limits = newName.equals("static") || newName.equals("kubernetes-memoryqos");
        long limit = request.getSessionLimitBytes();
        v.check(!limits || limit >= SessionRegistry.MEMORY_FLOOR, "session_limit_bytes", newName + " needs each session's limit, at least "
                + (SessionRegistry.MEMORY_FLOOR >> 20) + " MiB; was " + limit);
        long requestBytes = request.getSessionRequestBytes();
        v.check(requestBytes >= 0 && (!limits || requestBytes <= limit), "session_request_bytes", "0..session_limit_bytes, was " + requestBytes);
        double factor = request.getMemoryHighFactor() == 0 ? MemoryQos.DEFAULT_FACTOR : request.getMemoryHighFactor();
        v.check(factor > 0 && factor <= 1, "memory_high_factor", "in (0, 1], was " + request.getMemoryHighFactor());
        double pressure = request.getPressureLimit() == 0 ? PressureKill.DEFAULT_LIMIT : request.getPressureLimit();
        v.check(pressure > 0 && pressure < 1, "pressure_limit", "in (0, 1), was " + request.getPressureLimit());
        int seconds = request.getPressureSeconds() == 0 ? (int) PressureKill.DEFAULT_SECONDS : request.getPressureSeconds();
        v.check(seconds >= 1 && seconds <= 3600, "pressure_seconds", "1..3600, was " + request.getPressureSeconds());
        v.throwIfAny();
        if ((newName.equals("kubernetes-memoryqos") || newName.equals("senpai")) && !cgroups.hasMemoryHigh()) {
            throw unsupported(newName + " steers memory.high, which the " + cgroups.backend() + " backend lacks (cgroup v1 has no "
                    + "throttling limit); it runs on cgroup v2 and on the emulated backend");
        }
        if ((newName.equals("senpai") || newName.equals("oomd")) && !cgroups.hasMemoryPressure()) {
            throw unsupported(newName + " reads memory pressure (PSI), which the " + cgroups.backend() + " backend does not report");
        }
        long newBudget = request.getMemoryBudgetBytes() == 0 ? budget : request.getMemoryBudgetBytes();
        Optional<HostPolicy> next = switch (newName) {
            case "agentcgroup" -> Optional.of(new PressureGuard(sessions, newBudget, cgroups.hasMemoryHigh(), actions));
            case "static" -> Optional.of(FixedLimits.staticLimit(sessions, limit, actions));
            case "kubernetes-memoryqos" -> Optional.of(FixedLimits.kubernetesMemoryQos(sessions, requestBytes, limit, factor, actions));
            case "senpai" -> Optional.of(new SenpaiPolicy(sessions, actions));
            case "oomd" -> Optional.of(new OomdPolicy(sessions, new PressureKill<>(pressure, seconds), actions));
            default -> Optional.empty();
        };
        policy.ifPresent(HostPolicy::release);
        policy = next;
        name = newName;
        budget = newBudget;
        settings = switch (newName) {
            case "static" -> "memory.max " + mib(limit) + " per session";
            case "kubernetes-memoryqos" -> "memory.max " + mib(limit) + ", memory.high " + mib(MemoryQos.memoryHigh(requestBytes, limit, factor))
                    + " per session (request " + mib(requestBytes) + ", factor " + factor + ")";
            case "oomd" -> String.format(Locale.ROOT, "kill a session whose memory pressure stays above %.0f %% for %d s", pressure * 100, seconds);
            default -> settings();
        };
    }

    private String settings() {
        return switch (name) {
            case "agentcgroup" -> (cgroups.hasMemoryHigh() ? "throttle, then freeze" : "freeze") + ", then kill, low-priority sessions while a high-priority one grows into the budget of " + mib(budget);
            case "senpai" -> "memory.high per session steered once a second from its memory stall (target 10 ms/s)";
            default -> "no limits";
        };
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    private static io.grpc.StatusRuntimeException unsupported(String why) {
        return GrpcErrors.of(Status.Code.FAILED_PRECONDITION, ErrorReason.ERROR_REASON_BACKEND_UNSUPPORTED, why);
    }

    synchronized String policy() {
        return name;
    }

    synchronized long budget() {
        return budget;
    }

    synchronized String describe() {
        return settings;
    }

    /** One round of the active policy (nothing under {@code none}). */
    void tick() {
        Optional<HostPolicy> current;
        synchronized (this) {
            current = policy;
        }
        current.ifPresent(HostPolicy::tick);
    }
}
