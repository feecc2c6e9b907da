package io.keelson.agentcgroup.core.live;

import io.keelson.agentcgroup.core.cgroup.CgroupException;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;
import io.keelson.agentcgroup.core.sim.Priority;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * AgentCgroup's policy on the real host, the live counterpart of the simulator's {@code AgentCgroupPolicy}. Every
 * tick it samples each session's memory; while a high-priority session grows into a host budget that is running
 * out, it escalates on the low-priority sessions: throttle ({@code memory.high} held at their usage, so they stall
 * instead of growing; where the backend has memory.high), then freeze the newest, then kill the newest when the
 * host is about to run out or one has been frozen for {@link #KILL_FROZEN_AFTER_TICKS} ticks. Once the high
 * sessions stop growing and memory is back it resumes them: thaw first, then lift the throttles. Every action is
 * reported with its reaction time, from the sample that showed the condition to the completed write. Killing is bounded
 * as the kernel's OOM killer bounds it ({@link Priority#oomScoreAdj()}): no low session is killed for a high one that
 * holds more than half the budget beyond the largest low session, since the kernel would take that high one first.
 */
public final class PressureGuard implements HostPolicy {

    static final int HISTORY_TICKS = 10;        // growth over 1 s at 100 ms ticks
    static final int KILL_FROZEN_AFTER_TICKS = 200;

    private final SessionRegistry sessions;
    private final long budget;
    private final boolean throttle;
    private final Consumer<PolicyAction> listener;
    private final Map<String, Deque<Long>> usage = new HashMap<>();
    private final Map<String, Integer> frozenTicks = new HashMap<>();
    private final Set<String> throttled = new HashSet<>();

    /**
     * @param budget   host memory the sessions may use together (e.g. what is left for agents after the system's needs)
     * @param throttle whether sessions have memory.high (cgroup v2, emulated); without it escalation starts at freezing
     */
    public PressureGuard(SessionRegistry sessions, long budget, boolean throttle, Consumer<PolicyAction> listener) {
        this.sessions = sessions;
        this.budget = budget;
        this.throttle = throttle;
        this.listener = listener;
    }

    @Override
    public String name() {
        return "agentcgroup";
    }

    /** Thaws the sessions it froze and lifts its throttles. */
    @Override
    public synchronized void release() {
        for (String id : frozenTicks.keySet()) {
            sessions.get(id).ifPresent(s -> s.cgroup().freeze(false));
        }
        for (String id : throttled) {
            sessions.get(id).ifPresent(s -> s.cgroup().limitMemoryHigh(Long.MAX_VALUE));
        }
        frozenTicks.clear();
        throttled.clear();
    }

    /** One sampling and decision round; run it every 100 ms. */
    @Override
    public synchronized void tick() {
        long sampled = System.nanoTime();
        List<SessionRegistry.Session> open = sessions.sessions();
        Map<String, Long> now = new HashMap<>();
        long used = 0;
        long reserve = 0;
        boolean highGrowing = false;
        long largestGrowingHigh = 0;
        long largestLow = 0;
        for (SessionRegistry.Session s : open) {
            long current;
            try {
                current = s.cgroup().memoryCurrent();
            } catch (CgroupException e) {
                continue; // closed meanwhile
            }
            now.put(s.id(), current);
            Deque<Long> history = usage.computeIfAbsent(s.id(), k -> new ArrayDeque<>());
            history.addLast(current);
            while (history.size() > HISTORY_TICKS) {
                history.removeFirst();
            }
            used += current;
            if (s.priority() == Priority.HIGH) {
                long growth = current - history.peekFirst();
                reserve += Math.max(0, growth); // what its burst is taking, as the simulated policy reserves
                if (growth > 0) {
                    highGrowing = true;
                    largestGrowingHigh = Math.max(largestGrowingHigh, current);
                }
            } else {
                largestLow = Math.max(largestLow, current);
            }
        }
        List<String> ids = open.stream().map(SessionRegistry.Session::id).toList();
        usage.keySet().retainAll(ids);
        throttled.retainAll(ids);
        frozenTicks.keySet().retainAll(ids);
        long free = budget - used;
        long watermark = budget / 20;
        List<SessionRegistry.Session> lows = open.stream().filter(s -> s.priority() == Priority.LOW && now.containsKey(s.id())).toList();
        frozenTicks.replaceAll((id, ticks) -> ticks + 1);
        if (throttle && highGrowing && free < 2 * watermark + reserve) { // the first step, and alongside the later ones
            for (SessionRegistry.Session s : lows) {
                if (!throttled.contains(s.id()) && s.cgroup().populated()) {
                    s.cgroup().limitMemoryHigh(Math.max(now.get(s.id()), SessionRegistry.MEMORY_FLOOR));
                    throttled.add(s.id());
                    act(s, PolicyAction.Kind.THROTTLE, "memory.high held at its usage (" + (now.get(s.id()) >> 20)
                            + " MiB) while a high-priority session grows", sampled);
                }
            }
        }
        boolean lowGoesFirst = largestGrowingHigh <= largestLow + Priority.LOW.oomScoreAdj() / 1000.0 * budget;
        if (highGrowing && free < watermark / 2 && lowGoesFirst) {
            lows.stream().filter(s -> s.cgroup().populated()).reduce((a, b) -> b)
                    .ifPresent(s -> kill(s, "the host is about to run out of memory while a high-priority session grows", sampled));
        } else if (highGrowing && free < watermark + reserve) {
            lows.stream().filter(s -> !frozenTicks.containsKey(s.id()) && s.cgroup().canFreeze() && s.cgroup().populated())
                    .reduce((a, b) -> b).ifPresent(s -> {
                        s.cgroup().freeze(true);
                        frozenTicks.put(s.id(), 0);
                        act(s, PolicyAction.Kind.FREEZE, "a high-priority session is growing and only " + (free >> 20) + " MiB of the budget is free",
                                sampled);
                    });
        } else if (!highGrowing && free >= 2 * watermark) {
            // resume gently: one thaw per tick, the throttles once nothing is frozen
            lows.stream().filter(s -> frozenTicks.containsKey(s.id())).findFirst().ifPresentOrElse(s -> {
                s.cgroup().freeze(false);
                frozenTicks.remove(s.id());
                act(s, PolicyAction.Kind.THAW, "memory is back (" + (free >> 20) + " MiB free)", sampled);
            }, () -> lows.stream().filter(s -> throttled.contains(s.id())).forEach(s -> {
                s.cgroup().limitMemoryHigh(Long.MAX_VALUE);
                throttled.remove(s.id());
                act(s, PolicyAction.Kind.RESUME, "memory.high lifted: memory is back (" + (free >> 20) + " MiB free)", sampled);
            }));
        }
        frozenTicks.entrySet().stream().filter(e -> e.getValue() >= KILL_FROZEN_AFTER_TICKS).map(Map.Entry::getKey).findFirst()
                .flatMap(sessions::get).ifPresent(s -> kill(s, "frozen for " + KILL_FROZEN_AFTER_TICKS / 10 + " s while memory stayed short", sampled));
    }

    private void kill(SessionRegistry.Session s, String reason, long sampled) {
        sessions.killByPolicy(s, name(), reason);
        if (frozenTicks.remove(s.id()) != null) {
            s.cgroup().freeze(false); // killed processes must run to die
        }
        act(s, PolicyAction.Kind.KILL, reason, sampled);
    }

    private void act(SessionRegistry.Session s, PolicyAction.Kind kind, String reason, long sampled) {
        listener.accept(new PolicyAction(s.id(), kind, reason, System.nanoTime() - sampled));
    }
}
