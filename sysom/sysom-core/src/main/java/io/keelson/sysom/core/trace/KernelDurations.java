package io.keelson.sysom.core.trace;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The duration distribution of each GPU kernel in a trace (HTA's kernel breakdown): fed events as a reader streams
 * them, it keeps only each kernel's durations. A kernel whose tail is far from its median (p99 against p50) is
 * unsteady - throttling, contention, a slow peer for an NCCL kernel - while one slow everywhere is just the work.
 */
public final class KernelDurations implements Consumer<TraceEvent> {

    /** One kernel name's launches; percentiles by nearest rank, in µs. */
    public record Distribution(String kernel, boolean communication, int launches, double totalMicros, double p50Micros, double p95Micros,
                               double p99Micros, double maxMicros) {
    }

    private static final class Durations {
        private final boolean communication;
        private double[] values = new double[16];
        private int size;

        Durations(boolean communication) {
            this.communication = communication;
        }

        void add(double micros) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = micros;
        }
    }

    private final Map<String, Durations> byKernel = new TreeMap<>();

    @Override
    public void accept(TraceEvent e) {
        if (e.phase() == 'X' && e.category().equals("kernel")) {
            byKernel.computeIfAbsent(e.name(), k -> new Durations(e.communication())).add(e.durMicros());
        }
    }

    /** Every kernel's distribution, the most GPU time first. */
    public List<Distribution> byTotalTime() {
        return byKernel.entrySet().stream().map(k -> distribution(k.getKey(), k.getValue()))
                .sorted(Comparator.comparingDouble(Distribution::totalMicros).reversed().thenComparing(Distribution::kernel)).toList();
    }

    private static Distribution distribution(String kernel, Durations d) {
        double[] sorted = Arrays.copyOf(d.values, d.size);
        Arrays.sort(sorted);
        return new Distribution(kernel, d.communication, sorted.length, Arrays.stream(sorted).sum(), rank(sorted, 0.50), rank(sorted, 0.95),
                rank(sorted, 0.99), sorted[sorted.length - 1]);
    }

    private static double rank(double[] sorted, double q) {
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
