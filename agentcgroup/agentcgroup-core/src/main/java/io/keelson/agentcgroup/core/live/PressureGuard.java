package io.keelson.agentcgroup.core.live;

import io.keelson.agentcgroup.core.cgroup.CgroupException;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;
import io.keelson.agentcgroup.core.sim.Priority;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * AgentCgroup's policy on the real host, the live counterpart of the simulator's {@code AgentCgroupPolicy}: every
 * tick it samples each session's memory, and while a high-priority session grows into a host budget that is
 * running out, it freezes the newest low-priority session (its tool calls stop allocating), thaws it once the
 * high-priority sessions have stopped growing and memory is back, and kills it when the host is about to run out or it has been frozen for {@link #KILL_FROZEN_AFTER_TICKS}
 * ticks. Every action is reported with its reaction time: from the sample that showed the condition to the
 * completed write.
 */
public final class PressureGuard implements HostPolicy {

    static final int HISTORY_TICKS = 10;        // growth over 1 s at 100 ms ticks
    static final int KILL_FROZEN_AFTER_TICKS = 200;

    private final SessionRegistry sessions;
    private final long budget;
    private final Consumer<PolicyAction> listener;
    private final Map<String, Deque<Long>> usage = new HashMap<>();
    private final Map<String, Integer> frozenTicks = new HashMap<>();

    /** @param budget host memory the sessions may use together (e.g. what is left for agents after the system's needs) */
    public PressureGuard(SessionRegistry sessions, long budget, Consumer<PolicyAction> listener) {
        this.sessions = sessions;
        this.budget = budget;
        this.listener = listener;
    }

    @Override
    public String name() {
        return "agentcgroup";
    }

    /** Thaws the sessions it froze. */
    @Override
    public synchronized void release() {
        for (String id : frozenTicks.keySet()) {
            sessions.get(id).ifPresent(s -> s.cgroup().freeze(false));
        }
        frozenTicks.clear();
    }

    /** One sampling and decision round; run it every 100 ms. */
    @Override
    public synchronized void tick() {
        long sampled = System.nanoTime();
        List<SessionRegistry.Session> open = sessions.sessions();
        long used = 0;
        long reserve = 0;
        boolean highGrowing = false;
        for (SessionRegistry.Session s : open) {
            long now;
            try {
                now = s.cgroup().memoryCurrent();
            } catch (CgroupException e) {
                continue; // closed meanwhile
            }
            Deque<Long> history = usage.computeIfAbsent(s.id(), k -> new ArrayDeque<>());
            history.addLast(now);
            while (history.size() > HISTORY_TICKS) {
                history.removeFirst();
            }
            used += now;
            if (s.priority() == Priority.HIGH) {
                long growth = now - history.stream().skip(Math.max(0, history.size() - HISTORY_TICKS)).findFirst().orElse(now);
                reserve += Math.max(0, growth); // what its burst is taking, as the simulated policy reserves
                highGrowing |= growth > 0;
            }
        }
        usage.keySet().retainAll(open.stream().map(SessionRegistry.Session::id).toList());
        long free = budget - used;
        long watermark = budget / 20;
        List<SessionRegistry.Session> lows = open.stream().filter(s -> s.priority() == Priority.LOW).toList();
        for (SessionRegistry.Session s : lows) {
            if (s.cgroup().canFreeze() && frozenTicks.containsKey(s.id())) {
                frozenTicks.merge(s.id(), 1, Integer::sum);
            }
        }
        if (highGrowing && free < watermark / 2) {
            lows.stream().filter(s -> s.cgroup().populated()).reduce((a, b) -> b)
                    .ifPresent(s -> kill(s, "the host is about to run out of memory while a high-priority session grows", sampled));
        } else if (highGrowing && free < watermark + reserve) {
            lows.stream().filter(s -> !frozenTicks.containsKey(s.id()) && s.cgroup().canFreeze() && s.cgroup().populated())
                    .reduce((a, b) -> b).ifPresent(s -> {
                        s.cgroup().freeze(true);
                        frozenTicks.put(s.id(), 0);
                        listener.accept(new PolicyAction(s.id(), PolicyAction.Kind.FREEZE, "a high-priority session is growing and only "
                                + (free >> 20) + " MiB of the budget is free", System.nanoTime() - sampled));
                    });
        } else if (!highGrowing && free >= 2 * watermark) {
            lows.stream().filter(s -> frozenTicks.containsKey(s.id())).findFirst().ifPresent(s -> {
                s.cgroup().freeze(false);
                frozenTicks.remove(s.id());
                listener.accept(new PolicyAction(s.id(), PolicyAction.Kind.THAW, "memory is back (" + (free >> 20) + " MiB free)",
                        System.nanoTime() - sampled));
            });
        }
        frozenTicks.entrySet().stream().filter(e -> e.getValue() >= KILL_FROZEN_AFTER_TICKS).map(Map.Entry::getKey).findFirst()
                .flatMap(sessions::get).ifPresent(s -> kill(s, "frozen for " + KILL_FROZEN_AFTER_TICKS / 10 + " s while memory stayed short", sampled));
    }

    private void kill(SessionRegistry.Session s, String reason, long sampled) {
        sessions.killByPolicy(s, name(), reason);
        if (frozenTicks.remove(s.id()) != null) {
            s.cgroup().freeze(false); // killed processes must run to die
        }
        listener.accept(new PolicyAction(s.id(), PolicyAction.Kind.KILL, reason, System.nanoTime() - sampled));
    }
}
