package io.keelson.sysom.agent;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every training rank on the node watched (the node agent's DaemonSet mode): ranks are looked for every scan, each
 * found is watched by its own {@link RankWatch} until its process exits, and a process that asked to be watched but
 * cannot be is told once per reason. Nothing of one rank stops the others.
 */
public final class NodeWatch implements AutoCloseable {

    private final RankProcesses ranks;
    private final ProcSampler sampler;
    private final Optional<RankWatch.Stacks> stacks;
    private final Consumer<String> out;
    private final Map<Long, RankWatch> watched = new HashMap<>();
    private Set<String> told = new HashSet<>();
    private final Map<Long, String> problems = new HashMap<>();

    public NodeWatch(RankProcesses ranks, ProcSampler sampler, Optional<RankWatch.Stacks> stacks, Consumer<String> out) {
        this.ranks = ranks;
        this.sampler = sampler;
        this.stacks = stacks;
        this.out = out;
    }

    /** Looks for ranks: starts watching the new ones, says why a process asking to be watched is not. */
    public void scan() throws IOException {
        RankProcesses.Scan scan = ranks.scan();
        for (RankProcesses.Rank r : scan.ranks()) {
            if (!watched.containsKey(r.pid())) {
                watched.put(r.pid(), new RankWatch(r.pid(), r.job(), r.worldSize(), Optional.of(r.rank()), r.traces(), sampler, stacks, out));
                out.accept(JsonLine.of("watching", r.job(), "rank", r.rank(), "world_size", r.worldSize(), "pid", r.pid(),
                        "traces", r.traces().toString()));
            }
        }
        // said once while it holds; what no longer holds is forgotten, so the set stays the size of one scan's refusals
        Set<String> refusedNow = new HashSet<>();
        scan.refused().forEach((pid, why) -> {
            refusedNow.add(pid + " " + why);
            if (!told.contains(pid + " " + why)) {
                out.accept(JsonLine.of("pid", pid, "not_watched", why));
            }
        });
        told = refusedNow;
    }

    /** One tick of every watched rank; a rank whose process exited is let go, one whose tick fails says why and goes on. */
    public void tick(Publisher publisher, AgentOverhead overhead) {
        for (Iterator<RankWatch> it = watched.values().iterator(); it.hasNext(); ) {
            RankWatch w = it.next();
            boolean alive;
            try {
                alive = w.tick(publisher, overhead);
                problems.remove(w.pid());
            } catch (Exception e) {
                String problem = String.valueOf(e.getMessage());
                if (!problem.equals(problems.put(w.pid(), problem))) { // said once while it lasts, not every second
                    out.accept(JsonLine.of("pid", w.pid(), "problem", problem));
                }
                alive = true; // e.g. sysom unreachable for now: the rank's trace is sent again at its next tick
            }
            if (!alive) {
                w.close();
                it.remove();
                problems.remove(w.pid());
                out.accept(JsonLine.of("pid", w.pid(), "exited", true));
            }
        }
    }

    /** The pids being watched now. */
    public Set<Long> watched() {
        return Set.copyOf(watched.keySet());
    }

    @Override
    public void close() {
        watched.values().forEach(RankWatch::close);
        watched.clear();
    }
}
