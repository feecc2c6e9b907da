package io.keelson.agentcgroup.core.cgroup;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel behind {@link FakeCgroupFs}: it charges real processes to fake groups and enforces the groups'
 * settings with signals. Each tick it adopts the children of members (a fork stays in its parent's group), samples
 * their resident memory and CPU time from {@code /proc}, OOM-kills the largest process of a group over
 * {@code memory.max}, throttles a group over {@code memory.high} by stopping it for more ticks the further over it is
 * (its stall shows as memory pressure), and stops the
 * members of frozen groups. Unlike the real kernel it acts between allocations, not at them: a process can
 * overshoot a limit for up to one tick, and resident memory counts shared pages once per process.
 */
final class SimulatedKernel {

    private final HostProcesses processes;
    private final Map<Long, FakeGroup> groupOf = new HashMap<>();
    private final Map<Long, long[]> lastCpu = new HashMap<>();
    private final Map<Long, Long> rss = new HashMap<>();
    /** Pids this kernel stopped (frozen or throttled), so it resumes exactly those. */
    private final Set<Long> stopped = new HashSet<>();
    private long lastTick = System.nanoTime();

    SimulatedKernel(HostProcesses processes) {
        this.processes = processes;
    }

    /** Moves {@code pid} into {@code group}, as a write to its {@code cgroup.procs} does. */
    void join(FakeGroup group, long pid) {
        HostProcesses.Sample sample = processes.sample(pid)
                .orElseThrow(() -> new CgroupException("cannot write " + pid + " to " + group.dir.resolve("cgroup.procs") + ": No such process"));
        join(group, pid, sample.startTime());
    }

    /** Moves {@code pid} in only if it is still the process that started at {@code startTime} (recovering a tree). */
    void adopt(FakeGroup group, long pid, long startTime) {
        processes.sample(pid).filter(s -> s.startTime() == startTime).ifPresent(s -> join(group, pid, startTime));
    }

    private void join(FakeGroup group, long pid, long startTime) {
        FakeGroup old = groupOf.put(pid, group);
        if (old != null) {
            old.members.remove(pid);
        }
        group.members.put(pid, startTime);
        reconcile(group);
    }

    /** Drops members that exited (or whose pid now names another process) from {@code group}. */
    void prune(FakeGroup group) {
        for (Map.Entry<Long, Long> m : List.copyOf(group.members.entrySet())) {
            if (processes.sample(m.getKey()).filter(s -> s.startTime() == m.getValue()).isEmpty()) {
                forget(group, m.getKey());
            }
        }
    }

    /** One round over the whole tree: adopt children, account, enforce limits, apply freezes and throttles. */
    void tick(FakeGroup root) {
        List<FakeGroup> all = new ArrayList<>();
        root.forEachInSubtree(all::add);
        all.forEach(this::adoptChildren);
        for (FakeGroup group : all) {
            group.current = 0;
            for (Map.Entry<Long, Long> m : List.copyOf(group.members.entrySet())) {
                account(group, m.getKey(), m.getValue());
            }
        }
        for (int i = all.size() - 1; i >= 0; i--) { // children before parents
            FakeGroup group = all.get(i);
            group.current += group.members.keySet().stream().mapToLong(p -> rss.getOrDefault(p, 0L)).sum();
            group.parent.ifPresent(p -> p.current += group.current);
        }
        for (FakeGroup group : all) {
            group.peak = Math.max(group.peak, group.current); // what was seen, overshoot included
            enforce(group);
        }
        reconcile(root);
        long now = System.nanoTime();
        chargeStalls(all, (now - lastTick) / 1_000);
        lastTick = now;
    }

    /**
     * Emulated PSI: a group stalls while any process in it or below is stopped for throttling; the 10 s average
     * decays exponentially as the kernel's does.
     */
    private void chargeStalls(List<FakeGroup> all, long micros) {
        double decay = Math.exp(-micros / 10e6);
        for (FakeGroup group : all) {
            boolean[] stalled = {false};
            group.forEachInSubtree(g -> stalled[0] |= g.throttledHere() && !g.members.isEmpty());
            if (stalled[0]) {
                group.stallMicros += micros;
            }
            group.stallAvg10 = group.stallAvg10 * decay + (stalled[0] ? 1 - decay : 0);
        }
    }

    /** SIGKILLs every process in {@code group} and below, children not yet adopted included, as {@code cgroup.kill}. */
    void kill(FakeGroup group) {
        group.forEachInSubtree(g -> {
            for (long pid : List.copyOf(g.members.keySet())) {
                descendants(pid).forEach(p -> processes.signal(p, HostProcesses.SIGKILL));
                processes.signal(pid, HostProcesses.SIGKILL);
            }
        });
    }

    /** Stops or resumes each process of {@code group} and below to match its frozen and throttled state. */
    void reconcile(FakeGroup group) {
        group.forEachInSubtree(g -> {
            boolean stop = g.frozen() || g.throttledHere();
            for (long pid : g.members.keySet()) {
                if (stop && stopped.add(pid)) {
                    processes.signal(pid, HostProcesses.SIGSTOP);
                } else if (!stop && stopped.remove(pid)) {
                    processes.signal(pid, HostProcesses.SIGCONT);
                }
            }
        });
    }

    /** Resumes everything this kernel stopped: with no kernel left to thaw them, stopped processes would hang for ever. */
    void resumeAll() {
        stopped.forEach(pid -> processes.signal(pid, HostProcesses.SIGCONT));
        stopped.clear();
    }

    private void adoptChildren(FakeGroup group) {
        for (long pid : List.copyOf(group.members.keySet())) {
            for (long child : processes.children(pid)) {
                if (!groupOf.containsKey(child)) {
                    processes.sample(child).ifPresent(s -> join(group, child, s.startTime()));
                }
            }
        }
    }

    private void account(FakeGroup group, long pid, long startTime) {
        Optional<HostProcesses.Sample> sample = processes.sample(pid).filter(s -> s.startTime() == startTime);
        if (sample.isEmpty()) {
            forget(group, pid);
            return;
        }
        HostProcesses.Sample s = sample.get();
        long[] last = lastCpu.getOrDefault(pid, new long[2]);
        group.chargeCpu(Math.max(0, s.userMicros() - last[0]), Math.max(0, s.systemMicros() - last[1]));
        lastCpu.put(pid, new long[] {s.userMicros(), s.systemMicros()});
        rss.put(pid, s.rssBytes());
    }

    private void enforce(FakeGroup group) {
        if (group.high != Long.MAX_VALUE && group.current > group.high) {
            group.eventsHigh++;
            // the further over, the longer it is held: 1 tick stopped per 1 running just over, up to 9 per 1 at 80 % over
            int stoppedTicks = 1 + (int) (Math.min(0.8, (double) (group.current - group.high) / Math.max(1, group.high)) * 10);
            group.throttled = group.throttleCycle++ % (stoppedTicks + 1) < stoppedTicks;
        } else {
            group.throttled = false;
            group.throttleCycle = 0;
        }
        while (group.max != Long.MAX_VALUE && group.current > group.max) {
            group.eventsMax++;
            Optional<Long> victim = largestIn(group);
            if (victim.isEmpty()) {
                return;
            }
            long pid = victim.get();
            long freed = rss.getOrDefault(pid, 0L);
            processes.signal(pid, HostProcesses.SIGKILL);
            group.eventsOom++;
            FakeGroup home = groupOf.get(pid);
            for (Optional<FakeGroup> g = Optional.of(home); g.isPresent(); g = g.get().parent) {
                g.get().eventsOomKill++; // as v2's hierarchical memory.events: the victim's group and every ancestor
            }
            forget(home, pid);
            for (Optional<FakeGroup> g = Optional.of(home); g.isPresent(); g = g.get().parent) {
                g.get().current -= freed;
            }
        }
    }

    /** The kernel's OOM victim: the member of the subtree with the most resident memory. */
    private Optional<Long> largestIn(FakeGroup group) {
        List<Long> pids = new ArrayList<>();
        group.forEachInSubtree(g -> pids.addAll(g.members.keySet()));
        return pids.stream().max((a, b) -> Long.compare(rss.getOrDefault(a, 0L), rss.getOrDefault(b, 0L)));
    }

    private List<Long> descendants(long pid) {
        List<Long> found = new ArrayList<>();
        Deque<Long> todo = new ArrayDeque<>(processes.children(pid));
        while (!todo.isEmpty()) {
            long p = todo.pop();
            found.add(p);
            todo.addAll(processes.children(p));
        }
        return found;
    }

    private void forget(FakeGroup group, long pid) {
        group.members.remove(pid);
        groupOf.remove(pid, group);
        lastCpu.remove(pid);
        rss.remove(pid);
        stopped.remove(pid);
    }
}
