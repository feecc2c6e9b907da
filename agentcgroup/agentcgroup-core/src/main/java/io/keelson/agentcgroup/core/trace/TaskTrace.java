package io.keelson.agentcgroup.core.trace;

import java.util.List;

/** One agent task: its resource samples in time order and its tool calls in start order, with how reading went. */
public record TaskTrace(String name, List<ResourceSample> samples, List<ToolCall> calls, ReadReport sampleReport,
                        ReadReport callReport) {

    public TaskTrace {
        samples = List.copyOf(samples);
        calls = List.copyOf(calls);
    }
}
