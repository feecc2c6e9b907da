package io.keelson.sysom.core.diagnosis;

import io.keelson.sysom.core.Medians;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Layer L0 of the differential diagnosis: training step times per rank. Within each step, a rank's time is scored
 * against its peers with a robust z-score (distance from the median in units of 1.4826 × MAD, so one slow rank
 * cannot hide itself by inflating a mean and standard deviation); a rank scoring above the threshold in most steps
 * is a suspect. Over time, a rank's own series is checked for a change point (the split that most reduces the
 * squared error of two means), which dates when it became slow.
 */
public final class StepTimes {

    /** A rank that stands out: in how many of the steps, by how much at the median, and since when. */
    public record Suspect(int rank, int stepsFlagged, int steps, double medianScore, double medianSlowdown, Optional<Integer> slowSince) {
    }

    public static final double DEFAULT_THRESHOLD = 3.5;

    private StepTimes() {
    }

    /** The robust z-score of each value among {@code values}; 0 for all when they hardly differ. */
    static double[] robustZ(double[] values) {
        double median = Medians.of(values);
        double[] deviations = Arrays.stream(values).map(v -> Math.abs(v - median)).toArray();
        double mad = 1.4826 * Medians.of(deviations);
        return Arrays.stream(values).map(v -> mad == 0 ? 0 : (v - median) / mad).toArray(); // identical peers: no one stands out
    }

    /**
     * @param stepMicros per rank, its step times in step order (the same steps for every rank)
     * @return the ranks flagged in more than half of the steps, slowest first
     */
    public static List<Suspect> suspects(Map<Integer, double[]> stepMicros, double threshold) {
        int steps = stepMicros.values().stream().mapToInt(a -> a.length).min().orElse(0);
        Integer[] ranks = stepMicros.keySet().toArray(new Integer[0]);
        Map<Integer, List<Double>> scores = new TreeMap<>();
        Map<Integer, List<Double>> slowdowns = new TreeMap<>();
        for (int s = 0; s < steps; s++) {
            double[] values = new double[ranks.length];
            for (int i = 0; i < ranks.length; i++) {
                values[i] = stepMicros.get(ranks[i])[s];
            }
            double[] z = robustZ(values);
            double median = Medians.of(values);
            for (int i = 0; i < ranks.length; i++) {
                scores.computeIfAbsent(ranks[i], k -> new ArrayList<>()).add(z[i]);
                slowdowns.computeIfAbsent(ranks[i], k -> new ArrayList<>()).add(values[i] / median);
            }
        }
        List<Suspect> out = new ArrayList<>();
        scores.forEach((rank, z) -> {
            int flagged = (int) z.stream().filter(v -> v > threshold).count();
            if (flagged * 2 > steps) {
                out.add(new Suspect(rank, flagged, steps, Medians.of(z.stream().mapToDouble(Double::doubleValue).toArray()),
                        Medians.of(slowdowns.get(rank).stream().mapToDouble(Double::doubleValue).toArray()), changePoint(stepMicros.get(rank))));
            }
        });
        out.sort((a, b) -> Double.compare(b.medianSlowdown(), a.medianSlowdown()));
        return out;
    }

    /**
     * The step where the series' level shifts, if it does: the split minimising the two segments' squared error,
     * kept only when it cuts the error by more than half and the later segment is the slower one.
     */
    public static Optional<Integer> changePoint(double[] series) {
        int n = series.length;
        if (n < 4) {
            return Optional.empty();
        }
        double[] prefix = new double[n + 1];
        double[] prefixSq = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + series[i];
            prefixSq[i + 1] = prefixSq[i] + series[i] * series[i];
        }
        double whole = sse(prefix, prefixSq, 0, n);
        double best = whole;
        int at = -1;
        for (int k = 2; k <= n - 2; k++) {
            double split = sse(prefix, prefixSq, 0, k) + sse(prefix, prefixSq, k, n);
            if (split < best) {
                best = split;
                at = k;
            }
        }
        if (at < 0 || best > whole / 2) {
            return Optional.empty();
        }
        double before = (prefix[at]) / at;
        double after = (prefix[n] - prefix[at]) / (n - at);
        return after > before ? Optional.of(at) : Optional.empty();
    }

    private static double sse(double[] prefix, double[] prefixSq, int from, int to) {
        int len = to - from;
        double sum = prefix[to] - prefix[from];
        return (prefixSq[to] - prefixSq[from]) - sum * sum / len;
    }
}
