package io.keelson.sysom.core.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * HTA's temporal breakdown of one GPU: over the span from its first to its last GPU event, the time it computed,
 * communicated (NCCL/RCCL kernels), moved memory (copies and memsets) or sat idle. Streams overlap, so each
 * instant counts once, in the first class busy then (compute, then communication, then memory); the four add up
 * to the span.
 */
public record GpuBreakdown(String device, double spanMicros, double computeMicros, double communicationMicros, double memoryMicros,
                           double idleMicros) {

    /** One breakdown per device ({@code pid} of the GPU events), from a trace's events. */
    public static Map<String, GpuBreakdown> of(List<TraceEvent> events) {
        Map<String, List<TraceEvent>> byDevice = new TreeMap<>();
        events.stream().filter(e -> e.phase() == 'X' && e.onGpu()).forEach(e -> byDevice.computeIfAbsent(e.pid(), k -> new ArrayList<>()).add(e));
        Map<String, GpuBreakdown> out = new TreeMap<>();
        byDevice.forEach((device, gpu) -> out.put(device, breakdown(device, gpu)));
        return out;
    }

    private static GpuBreakdown breakdown(String device, List<TraceEvent> gpu) {
        double start = gpu.stream().mapToDouble(TraceEvent::tsMicros).min().orElse(0);
        double end = gpu.stream().mapToDouble(TraceEvent::endMicros).max().orElse(0);
        List<double[]> compute = union(gpu, e -> e.category().equals("kernel") && !e.communication());
        List<double[]> communication = minus(union(gpu, TraceEvent::communication), compute);
        List<double[]> memory = minus(minus(union(gpu, e -> !e.category().equals("kernel")), compute), communication);
        double c = length(compute);
        double n = length(communication);
        double m = length(memory);
        return new GpuBreakdown(device, end - start, c, n, m, Math.max(0, end - start - c - n - m));
    }

    /** The union of the matching events' intervals, sorted and disjoint. */
    static List<double[]> union(List<TraceEvent> events, Predicate<TraceEvent> which) {
        List<double[]> spans = new ArrayList<>();
        events.stream().filter(which).map(e -> new double[] {e.tsMicros(), e.endMicros()}).sorted(Comparator.comparingDouble(a -> a[0])).forEach(s -> {
            double[] last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
            if (last != null && s[0] <= last[1]) {
                last[1] = Math.max(last[1], s[1]);
            } else {
                spans.add(s.clone());
            }
        });
        return spans;
    }

    /** {@code a} without the time covered by {@code b} (both sorted and disjoint). */
    static List<double[]> minus(List<double[]> a, List<double[]> b) {
        List<double[]> out = new ArrayList<>();
        int j = 0;
        for (double[] s : a) {
            double from = s[0];
            while (j < b.size() && b.get(j)[1] <= from) {
                j++;
            }
            int k = j;
            while (k < b.size() && b.get(k)[0] < s[1]) {
                if (b.get(k)[0] > from) {
                    out.add(new double[] {from, b.get(k)[0]});
                }
                from = Math.max(from, b.get(k)[1]);
                k++;
            }
            if (from < s[1]) {
                out.add(new double[] {from, s[1]});
            }
        }
        return out;
    }

    static double length(List<double[]> spans) {
        return spans.stream().mapToDouble(s -> s[1] - s[0]).sum();
    }
}
