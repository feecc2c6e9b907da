package io.keelson.agentcgroup.core.analysis;

import io.keelson.agentcgroup.core.trace.ResourceSample;
import io.keelson.agentcgroup.core.trace.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Accumulates calls per tool type (count, time, peak memory of each) for one task or a whole corpus. */
final class ToolUsage {

    private final Map<String, List<Long>> peaks = new TreeMap<>();
    private final Map<String, double[]> time = new TreeMap<>();

    /** Adds one task's calls, each charged the memory its task's {@code samples} show while it ran. */
    void addAll(List<ToolCall> calls, List<ResourceSample> samples) {
        for (int i = 0; i < calls.size(); i++) {
            ToolCall call = calls.get(i);
            TraceAnalyzer.peakDuring(call, TraceAnalyzer.attributedEnd(calls, i), samples)
                    .ifPresent(p -> peaks.computeIfAbsent(call.tool(), k -> new ArrayList<>()).add(p));
            double[] t = time.computeIfAbsent(call.tool(), k -> new double[2]);
            t[0]++;
            t[1] += call.seconds();
        }
    }

    Map<String, TaskAnalysis.ToolStats> stats() {
        Map<String, TaskAnalysis.ToolStats> out = new TreeMap<>();
        time.forEach((tool, t) -> {
            long[] p = peaks.getOrDefault(tool, List.of()).stream().mapToLong(Long::longValue).sorted().toArray();
            out.put(tool, new TaskAnalysis.ToolStats(tool, (int) t[0], t[1], percentile(p, 0.50), percentile(p, 0.95),
                    p.length == 0 ? 0 : p[p.length - 1]));
        });
        return out;
    }

    /** Nearest-rank percentile of sorted values; 0 for none. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}
