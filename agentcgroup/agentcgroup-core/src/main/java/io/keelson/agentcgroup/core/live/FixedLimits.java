package io.keelson.agentcgroup.core.live;

import io.keelson.agentcgroup.core.cgroup.CgroupException;
import io.keelson.agentcgroup.core.policy.MemoryQos;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;

import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The static baselines on live sessions: every session's group gets the same {@code memory.max} (static limits)
 * and, for Kubernetes MemoryQoS, a {@code memory.high} below it. A session opened meanwhile gets them at the next
 * tick; replacing the policy lifts them.
 */
public final class FixedLimits implements HostPolicy {

    private final String name;
    private final SessionRegistry sessions;
    private final long max;
    private final OptionalLong high;
    private final Consumer<PolicyAction> listener;
    private final Set<String> applied = new HashSet<>();

    private FixedLimits(String name, SessionRegistry sessions, long max, OptionalLong high, Consumer<PolicyAction> listener) {
        this.name = name;
        this.sessions = sessions;
        this.max = max;
        this.high = high;
        this.listener = listener;
    }

    /** memory.max = {@code limit} on every session. */
    public static FixedLimits staticLimit(SessionRegistry sessions, long limit, Consumer<PolicyAction> listener) {
        return new FixedLimits("static", sessions, limit, OptionalLong.empty(), listener);
    }

    /** Kubernetes MemoryQoS on every session: memory.max = limit, memory.high from {@link MemoryQos#memoryHigh}. */
    public static FixedLimits kubernetesMemoryQos(SessionRegistry sessions, long request, long limit, double factor,
                                                  Consumer<PolicyAction> listener) {
        return new FixedLimits("kubernetes-memoryqos", sessions, limit, OptionalLong.of(MemoryQos.memoryHigh(request, limit, factor)), listener);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void tick() {
        for (SessionRegistry.Session s : sessions.sessions()) {
            if (applied.contains(s.id())) {
                continue;
            }
            long sampled = System.nanoTime();
            try {
                s.cgroup().limitMemory(max);
                if (high.isPresent()) {
                    s.cgroup().limitMemoryHigh(high.getAsLong());
                }
            } catch (CgroupException e) {
                continue; // closed meanwhile
            }
            applied.add(s.id());
            listener.accept(new PolicyAction(s.id(), PolicyAction.Kind.LIMIT, name + ": memory.max " + (max >> 20) + " MiB"
                    + (high.isPresent() ? ", memory.high " + (high.getAsLong() >> 20) + " MiB" : ""), System.nanoTime() - sampled));
        }
        applied.retainAll(sessions.sessions().stream().map(SessionRegistry.Session::id).toList());
    }

    @Override
    public synchronized void release() {
        for (String id : applied) {
            sessions.get(id).ifPresent(s -> s.cgroup().unlimitMemory());
        }
        applied.clear();
    }
}
