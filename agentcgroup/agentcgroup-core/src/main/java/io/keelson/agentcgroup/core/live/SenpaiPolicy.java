package io.keelson.agentcgroup.core.live;

import io.keelson.agentcgroup.core.cgroup.CgroupException;
import io.keelson.agentcgroup.core.cgroup.Pressure;
import io.keelson.agentcgroup.core.policy.Senpai;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * senpai on live sessions: each session's {@code memory.high} starts at its usage and is steered once a second by
 * the {@link Senpai} controller from the session's memory stall time (PSI "some" total, the same signal senpai
 * reads). Needs memory.high and PSI (cgroup v2, or the emulated tree).
 */
public final class SenpaiPolicy implements HostPolicy {

    private final SessionRegistry sessions;
    private final Consumer<PolicyAction> listener;
    private final Map<String, Senpai> controllers = new HashMap<>();
    private final Map<String, Long> lastStall = new HashMap<>();

    public SenpaiPolicy(SessionRegistry sessions, Consumer<PolicyAction> listener) {
        this.sessions = sessions;
        this.listener = listener;
    }

    @Override
    public String name() {
        return "senpai";
    }

    @Override
    public synchronized void tick() {
        double now = System.nanoTime() / 1e9;
        for (SessionRegistry.Session s : sessions.sessions()) {
            long sampled = System.nanoTime();
            try {
                Optional<Pressure> pressure = s.cgroup().memoryPressure();
                if (pressure.isEmpty()) {
                    continue;
                }
                long stall = pressure.get().someTotalMicros();
                Senpai senpai = controllers.get(s.id());
                if (senpai == null) {
                    controllers.put(s.id(), new Senpai(now));
                    lastStall.put(s.id(), stall);
                    set(s, Senpai.initialHigh(s.cgroup().memoryCurrent()), "senpai: memory.high starts at the session's usage", sampled);
                    continue;
                }
                if (senpai.due(now)) {
                    long high = s.cgroup().memoryHigh();
                    long next = senpai.adjust(now, (stall - lastStall.put(s.id(), stall)) / 1e6, high);
                    if (next != high) {
                        set(s, next, "senpai: memory.high " + (next > high ? "raised" : "lowered") + " (stall "
                                + String.format(java.util.Locale.ROOT, "%.1f", pressure.get().someAvg10() * 100) + " % over 10 s)", sampled);
                    }
                }
            } catch (CgroupException e) {
                // closed meanwhile
            }
        }
        controllers.keySet().retainAll(sessions.sessions().stream().map(SessionRegistry.Session::id).toList());
        lastStall.keySet().retainAll(controllers.keySet());
    }

    private void set(SessionRegistry.Session s, long high, String reason, long sampled) {
        s.cgroup().limitMemoryHigh(high);
        listener.accept(new PolicyAction(s.id(), PolicyAction.Kind.LIMIT, reason + ": " + (high >> 20) + " MiB", System.nanoTime() - sampled));
    }

    @Override
    public synchronized void release() {
        for (String id : controllers.keySet()) {
            sessions.get(id).ifPresent(s -> s.cgroup().limitMemoryHigh(Long.MAX_VALUE));
        }
        controllers.clear();
        lastStall.clear();
    }
}
