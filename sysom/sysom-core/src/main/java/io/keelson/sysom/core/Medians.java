package io.keelson.sysom.core;

import java.util.Arrays;
import java.util.List;

/** The median, the statistic every layer of sysom compares with (robust to the one slow rank it is looking for). */
public final class Medians {

    private Medians() {
    }

    /** The median of {@code values}; 0 for none. */
    public static double of(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public static double of(List<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
