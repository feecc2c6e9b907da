package io.keelson.agentcgroup.core.analysis;

import io.keelson.agentcgroup.core.trace.TaskTrace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every task analysed, and the per-tool-type distributions over all of their calls together. */
public record CorpusAnalysis(List<TaskAnalysis> tasks, Map<String, TaskAnalysis.ToolStats> byTool) {

    public static CorpusAnalysis of(List<TaskTrace> traces) {
        List<TaskAnalysis> tasks = new ArrayList<>();
        ToolUsage usage = new ToolUsage();
        for (TaskTrace trace : traces) {
            tasks.add(TraceAnalyzer.analyze(trace));
            usage.addAll(trace.calls(), trace.samples());
        }
        return new CorpusAnalysis(List.copyOf(tasks), usage.stats());
    }
}
