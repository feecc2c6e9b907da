package io.keelson.sysom.core.timeline;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who keeps a collective waiting: with every rank's collective start times on one clock ({@link ClockAlignment}),
 * the k-th collective can only proceed when its last rank arrives; every other rank waits the difference. A rank
 * that arrives last again and again, while the others wait for it, is a straggler upstream of the collective
 * (compute, host, data); ranks that arrive together but whose collectives still take long point at the network.
 */
public final class LateArrivals {

    /** Per rank: how often it arrived last, how long it kept others waiting, and how long it waited itself. */
    public record RankWaits(int rank, int arrivedLast, double causedMicros, double waitedMicros) {
    }

    private LateArrivals() {
    }

    /**
     * @param collectiveStarts per rank, the start times (µs, own clock) of the same collectives in sequence order
     * @param offsets          per rank, from {@link ClockAlignment#offsets}
     */
    public static Map<Integer, RankWaits> analyze(Map<Integer, List<Double>> collectiveStarts, Map<Integer, Double> offsets) {
        int shared = collectiveStarts.values().stream().mapToInt(List::size).min().orElse(0);
        Map<Integer, int[]> last = new TreeMap<>();
        Map<Integer, double[]> times = new TreeMap<>(); // caused, waited
        collectiveStarts.keySet().forEach(r -> {
            last.put(r, new int[1]);
            times.put(r, new double[2]);
        });
        for (int k = 0; k < shared; k++) {
            int kk = k;
            Map<Integer, Double> arrival = new TreeMap<>();
            collectiveStarts.forEach((r, starts) -> arrival.put(r, starts.get(kk) - offsets.getOrDefault(r, 0.0)));
            int lastRank = arrival.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            double lastArrival = arrival.get(lastRank);
            last.get(lastRank)[0]++;
            arrival.forEach((r, t) -> {
                double wait = lastArrival - t;
                times.get(r)[1] += wait;
                times.get(lastRank)[0] += wait;
            });
        }
        Map<Integer, RankWaits> out = new TreeMap<>();
        last.forEach((r, n) -> out.put(r, new RankWaits(r, n[0], times.get(r)[0], times.get(r)[1])));
        return out;
    }
}
