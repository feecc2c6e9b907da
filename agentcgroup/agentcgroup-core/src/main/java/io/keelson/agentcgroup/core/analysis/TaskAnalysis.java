package io.keelson.agentcgroup.core.analysis;

import io.keelson.agentcgroup.core.trace.ReadReport;
import io.keelson.agentcgroup.core.trace.ToolCall;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one task's traces say about its resource use.
 *
 * @param seconds       from the first to the last sample
 * @param toolSeconds   time at least one tool call was running (overlaps counted once)
 * @param modelSeconds  the rest: the model thinking, or the agent between calls
 * @param callsWithoutEnd calls whose end the trace did not record: their time is not in {@code toolSeconds}, and
 *                      for attribution they are taken to run until the next call started
 * @param peakTool      the call running at the peak sample, if any (else the model was "thinking")
 * @param spikes        each run of samples above {@link TraceAnalyzer#SPIKE_FACTOR} × average, at its highest sample
 * @param bursts        the fastest memory increases between consecutive samples, fastest first
 * @param byTool        per tool type: calls, time, and the peak memory seen during its calls
 */
public record TaskAnalysis(String task, double seconds, double toolSeconds, double modelSeconds, int callsWithoutEnd, long peakBytes,
                           double peakEpoch, Optional<ToolCall> peakTool, long averageBytes, double peakToAverage,
                           List<Spike> spikes, List<Burst> bursts, Map<String, ToolStats> byTool, ReadReport samples,
                           ReadReport calls) {

    /** A memory spike: its highest sample and the tool call running then. */
    public record Spike(double epoch, long bytes, Optional<ToolCall> during) {
    }

    /** Memory growing between two consecutive samples. */
    public record Burst(double from, double to, long bytesAdded, double bytesPerSecond, Optional<ToolCall> during) {
    }

    /** One tool type's calls: how many, how long in all, and the distribution of peak memory during them. */
    public record ToolStats(String tool, int calls, double seconds, long p50PeakBytes, long p95PeakBytes, long maxPeakBytes) {
    }
}
