package io.keelson.agentcgroup.core.live;

import io.keelson.agentcgroup.core.cgroup.CgroupException;
import io.keelson.agentcgroup.core.policy.PressureKill;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;

import java.util.function.Consumer;

/**
 * systemd-oomd on live sessions: a session whose memory pressure (PSI "some" avg10) stays above the limit for the
 * duration ({@link PressureKill}) has its processes killed, the one under most pressure first. Sets no limits.
 */
public final class OomdPolicy implements HostPolicy {

    private final SessionRegistry sessions;
    private final PressureKill<String> rule;
    private final Consumer<PolicyAction> listener;

    public OomdPolicy(SessionRegistry sessions, PressureKill<String> rule, Consumer<PolicyAction> listener) {
        this.sessions = sessions;
        this.rule = rule;
        this.listener = listener;
    }

    @Override
    public String name() {
        return "oomd";
    }

    @Override
    public synchronized void tick() {
        long sampled = System.nanoTime();
        double now = sampled / 1e9;
        for (SessionRegistry.Session s : sessions.sessions()) {
            try {
                s.cgroup().memoryPressure().ifPresent(p -> rule.observe(s.id(), p.someAvg10(), now));
            } catch (CgroupException e) {
                rule.forget(s.id());
            }
        }
        rule.retain(sessions.sessions().stream().map(SessionRegistry.Session::id).toList());
        rule.victim(now).flatMap(sessions::get).ifPresent(s -> {
            String reason = String.format(java.util.Locale.ROOT, "its memory pressure stayed above %.0f %% for %.0f s", rule.limit() * 100,
                    rule.seconds());
            sessions.killByPolicy(s, name(), reason);
            rule.forget(s.id());
            listener.accept(new PolicyAction(s.id(), PolicyAction.Kind.KILL, "systemd-oomd: " + reason, System.nanoTime() - sampled));
        });
    }

    @Override
    public void release() {
        // it sets nothing that outlives it
    }
}
