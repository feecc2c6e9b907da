package io.keelson.sysom.core.timeline;

import io.keelson.sysom.core.Medians;

import java.util.ArrayList;
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
}
