package io.keelson.agentcgroup.core.analysis;

import io.keelson.agentcgroup.core.trace.ResourceSample;
import io.keelson.agentcgroup.core.trace.TaskTrace;
import io.keelson.agentcgroup.core.trace.ToolCall;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a task's samples and tool calls into a {@link TaskAnalysis}, joining them on epoch seconds.
 * A tool call is charged the memory of the samples taken while it ran (with half a sampling period of
 * slack on each side, since docker samples about once a second); a call too short to contain a sample is
 * charged the first sample after it started.
 *
 * <p>Many traces record only when a call started. Such a call is taken to run until the next call starts
 * (an agent issues its calls one at a time) for attributing spikes, bursts and memory, and the analysis
 * counts these calls ({@link TaskAnalysis#callsWithoutEnd}) so a reader knows the attribution is an upper
 * bound; tool time adds up only calls whose end was recorded.
 */
public final class TraceAnalyzer {

    /** A spike is a run of samples above this multiple of the task's average memory. */
    public static final double SPIKE_FACTOR = 1.5;
    public static final int TOP_BURSTS = 5;
    private static final double SLACK_SECONDS = 0.5;

    private TraceAnalyzer() {
    }

    public static TaskAnalysis analyze(TaskTrace trace) {
        List<ResourceSample> s = trace.samples();
        List<ToolCall> calls = trace.calls();
        if (s.isEmpty()) {
            return new TaskAnalysis(trace.name(), 0, 0, 0, withoutEnd(calls), 0, 0, Optional.empty(), 0, 0, List.of(), List.of(),
                    byTool(calls, s), trace.sampleReport(), trace.callReport());
        }
        double first = s.get(0).epoch();
        double last = s.get(s.size() - 1).epoch();
        double tool = busySeconds(calls, first, last);
        ResourceSample peak = s.stream().max(Comparator.comparingLong(ResourceSample::memoryBytes)).orElseThrow();
        long average = Math.round(s.stream().mapToLong(ResourceSample::memoryBytes).average().orElse(0));
        return new TaskAnalysis(trace.name(), last - first, tool, (last - first) - tool, withoutEnd(calls), peak.memoryBytes(),
                peak.epoch(), during(calls, peak.epoch()), average, average == 0 ? 0 : (double) peak.memoryBytes() / average,
                spikes(s, calls, average), bursts(s, calls), byTool(calls, s), trace.sampleReport(), trace.callReport());
    }

    /** Seconds of [from, to] covered by at least one call (the union of their intervals). */
    static double busySeconds(List<ToolCall> calls, double from, double to) {
        double busy = 0;
        double coveredUntil = from;
        for (ToolCall c : calls) { // sorted by start
            double start = Math.max(c.start(), coveredUntil);
            double end = Math.min(c.end().orElse(c.start()), to);
            if (end > start) {
                busy += end - start;
                coveredUntil = end;
            }
        }
        return busy;
    }

    private static int withoutEnd(List<ToolCall> calls) {
        return (int) calls.stream().filter(c -> c.end().isEmpty()).count();
    }

    /** Where a call ends for attribution: its recorded end, else when the next call starts (else one second on). */
    static double attributedEnd(List<ToolCall> calls, int index) {
        ToolCall c = calls.get(index);
        if (c.end().isPresent()) {
            return c.end().getAsDouble();
        }
        return index + 1 < calls.size() ? Math.max(c.start(), calls.get(index + 1).start()) : c.start() + 1;
    }

    /** The call running at {@code epoch}; the latest started when several overlap. */
    static Optional<ToolCall> during(List<ToolCall> calls, double epoch) {
        ToolCall found = null;
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            if (c.start() - SLACK_SECONDS <= epoch && epoch <= attributedEnd(calls, i) + SLACK_SECONDS) {
                found = c;
            }
        }
        return Optional.ofNullable(found);
    }

    private static List<TaskAnalysis.Spike> spikes(List<ResourceSample> s, List<ToolCall> calls, long average) {
        List<TaskAnalysis.Spike> spikes = new ArrayList<>();
        double threshold = SPIKE_FACTOR * average;
        ResourceSample top = null;
        for (ResourceSample sample : s) {
            if (sample.memoryBytes() > threshold) {
                if (top == null || sample.memoryBytes() > top.memoryBytes()) {
                    top = sample;
                }
            } else if (top != null) {
                spikes.add(new TaskAnalysis.Spike(top.epoch(), top.memoryBytes(), during(calls, top.epoch())));
                top = null;
            }
        }
        if (top != null) {
            spikes.add(new TaskAnalysis.Spike(top.epoch(), top.memoryBytes(), during(calls, top.epoch())));
        }
        return spikes;
    }

    private static List<TaskAnalysis.Burst> bursts(List<ResourceSample> s, List<ToolCall> calls) {
        List<TaskAnalysis.Burst> all = new ArrayList<>();
        for (int i = 1; i < s.size(); i++) {
            ResourceSample a = s.get(i - 1);
            ResourceSample b = s.get(i);
            double dt = b.epoch() - a.epoch();
            long added = b.memoryBytes() - a.memoryBytes();
            if (dt > 0 && added > 0) {
                all.add(new TaskAnalysis.Burst(a.epoch(), b.epoch(), added, added / dt, during(calls, b.epoch())));
            }
        }
        all.sort(Comparator.comparingDouble(TaskAnalysis.Burst::bytesPerSecond).reversed());
        return List.copyOf(all.subList(0, Math.min(TOP_BURSTS, all.size())));
    }

    /** One call's peak: the highest sample while it ran (to {@code end}), else the first sample after it started. */
    static Optional<Long> peakDuring(ToolCall c, double end, List<ResourceSample> s) {
        long peak = -1;
        ResourceSample after = null;
        for (ResourceSample sample : s) {
            double t = sample.epoch();
            if (t >= c.start() - SLACK_SECONDS && t <= end + SLACK_SECONDS) {
                peak = Math.max(peak, sample.memoryBytes());
            } else if (t > c.start() && after == null) {
                after = sample;
            }
        }
        if (peak >= 0) {
            return Optional.of(peak);
        }
        return after == null ? Optional.empty() : Optional.of(after.memoryBytes());
    }

    private static Map<String, TaskAnalysis.ToolStats> byTool(List<ToolCall> calls, List<ResourceSample> s) {
        ToolUsage usage = new ToolUsage();
        usage.addAll(calls, s);
        return usage.stats();
    }
}
