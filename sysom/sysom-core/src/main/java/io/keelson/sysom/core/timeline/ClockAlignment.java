package io.keelson.sysom.core.timeline;

import io.keelson.sysom.core.Medians;

import io.keelson.sysom.core.trace.NcclEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-rank clock offsets from collective end times. A collective completes on every rank of its group at (nearly)
 * the same instant - no rank can finish an all-reduce before the last has contributed - so the k-th collective's
 * end time on rank r minus its end on the reference rank is that rank's clock offset plus noise; the median over
 * the shared collectives is the estimate (robust to the odd straggling kernel).
 */
public final class ClockAlignment {

    private ClockAlignment() {
    }

    /**
     * @param collectiveEnds per rank, the end times (µs, each rank's own clock) of the same collectives in sequence order
     * @return per rank, what to subtract from its times to put them on the reference rank's clock (the reference: 0)
     */
    public static Map<Integer, Double> offsets(Map<Integer, List<Double>> collectiveEnds, int referenceRank) {
        List<Double> reference = collectiveEnds.get(referenceRank);
        if (reference == null || reference.isEmpty()) {
            throw new IllegalArgumentException("reference rank " + referenceRank + " has no collectives to align on");
        }
        Map<Integer, Double> offsets = new TreeMap<>();
        collectiveEnds.forEach((rank, ends) -> {
            int shared = Math.min(ends.size(), reference.size());
            if (shared == 0) {
                throw new IllegalArgumentException("rank " + rank + " has no collectives in common with rank " + referenceRank);
            }
            List<Double> diffs = new ArrayList<>(shared);
            for (int k = 0; k < shared; k++) {
                diffs.add(ends.get(k) - reference.get(k));
            }
            offsets.put(rank, Medians.of(diffs));
        });
        return offsets;
    }

    /**
     * Offsets within one step of a job, from the collectives its ranks completed together: two ranks that share a
     * collective instance (communicator and sequence number) are related by the median difference of its end times;
     * ranks are reached from the reference through chains of shared groups (tensor-, pipeline- and data-parallel
     * groups connect a whole job). A rank that shares no completed collective with the others keeps offset 0. Aligning
     * every step on its own makes a clock that jumps between steps (an NTP step, a suspended VM) harmless.
     */
    public static Map<Integer, Double> ofStep(Collection<RankStep> ranks, int referenceRank) {
        Map<String, Map<Integer, Double>> endsByInstance = new HashMap<>();
        Map<Integer, List<String>> instancesByRank = new HashMap<>();
        for (RankStep s : ranks) {
            for (NcclEvent e : s.collectives()) {
                if (e.completed()) {
                    String instance = e.communicator() + "#" + e.sequence();
                    endsByInstance.computeIfAbsent(instance, k -> new HashMap<>()).put(s.rank(), e.endMicros());
                    instancesByRank.computeIfAbsent(s.rank(), k -> new ArrayList<>()).add(instance);
                }
            }
        }
        Map<Integer, Double> offsets = new TreeMap<>();
        ranks.forEach(s -> offsets.put(s.rank(), 0.0));
        Map<Integer, Boolean> reached = new HashMap<>();
        Deque<Integer> queue = new ArrayDeque<>();
        queue.add(referenceRank);
        reached.put(referenceRank, true);
        while (!queue.isEmpty()) {
            int u = queue.poll();
            Map<Integer, List<Double>> diffs = new HashMap<>(); // neighbour -> its end minus u's, per shared instance
            for (String instance : instancesByRank.getOrDefault(u, List.of())) {
                Map<Integer, Double> ends = endsByInstance.get(instance);
                double own = ends.get(u);
                ends.forEach((v, end) -> {
                    if (!reached.containsKey(v)) {
                        diffs.computeIfAbsent(v, k -> new ArrayList<>()).add(end - own);
                    }
                });
            }
            double base = offsets.get(u);
            diffs.forEach((v, d) -> {
                offsets.put(v, base + Medians.of(d));
                reached.put(v, true);
                queue.add(v);
            });
        }
        return offsets;
    }
}
