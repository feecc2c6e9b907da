package io.keelson.agentcgroup.service;

import io.grpc.stub.StreamObserver;
import io.keelson.agentcgroup.core.analysis.CorpusAnalysis;
import io.keelson.agentcgroup.core.analysis.TaskAnalysis;
import io.keelson.agentcgroup.core.trace.TaskTrace;
import io.keelson.agentcgroup.core.trace.ToolCall;
import io.keelson.agentcgroup.core.trace.TraceReader;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.AnalyzeTracesRequest;
import io.keelson.agentcgroup.v1.AnalyzeTracesResponse;
import io.keelson.agentcgroup.v1.Burst;
import io.keelson.agentcgroup.v1.Spike;
import io.keelson.agentcgroup.v1.TaskTraceUpload;
import io.keelson.agentcgroup.v1.ToolCallRef;
import io.keelson.agentcgroup.v1.ToolStats;
import io.keelson.common.grpc.Violations;
import io.grpc.StatusRuntimeException;
import io.keelson.common.v1.Backend;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code keelson.agentcgroup.v1.AgentCgroupService}: trace analysis so far. */
public final class AgentCgroupGrpcService extends AgentCgroupServiceGrpc.AgentCgroupServiceImplBase {

    static final int MAX_TASKS = 256;
    static final int MAX_NAME = 128;

    private final TraceReader reader = new TraceReader();

    @Override
    public void analyzeTraces(AnalyzeTracesRequest request, StreamObserver<AnalyzeTracesResponse> out) {
        Violations v = new Violations();
        v.check(request.getTasksCount() >= 1 && request.getTasksCount() <= MAX_TASKS, "tasks",
                "1.." + MAX_TASKS + " tasks, got " + request.getTasksCount());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < request.getTasksCount(); i++) {
            TaskTraceUpload t = request.getTasks(i);
            v.check(!t.getName().isBlank() && t.getName().length() <= MAX_NAME, "tasks[" + i + "].name",
                    "1.." + MAX_NAME + " characters, was " + t.getName().length());
            v.check(names.add(t.getName()), "tasks[" + i + "].name", "'" + t.getName() + "' appears twice");
            v.check(!t.getResourcesJson().isEmpty(), "tasks[" + i + "].resources_json", "is required");
        }
        try {
            v.throwIfAny();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        List<TaskTrace> traces = new ArrayList<>();
        for (TaskTraceUpload t : request.getTasksList()) {
            traces.add(reader.read(t.getName(), () -> Optional.of(t.getResourcesJson().newInput()),
                    () -> t.getToolCallsJson().isEmpty() ? Optional.empty() : Optional.of(t.getToolCallsJson().newInput())));
        }
        CorpusAnalysis corpus = CorpusAnalysis.of(traces);
        AnalyzeTracesResponse.Builder response = AnalyzeTracesResponse.newBuilder().setBackend(Backend.BACKEND_OFFLINE_ANALYSIS);
        corpus.tasks().forEach(t -> response.addTasks(wire(t)));
        corpus.byTool().values().forEach(s -> response.addByTool(wire(s)));
        out.onNext(response.build());
        out.onCompleted();
    }

    private static io.keelson.agentcgroup.v1.TaskAnalysis wire(TaskAnalysis t) {
        io.keelson.agentcgroup.v1.TaskAnalysis.Builder b = io.keelson.agentcgroup.v1.TaskAnalysis.newBuilder()
                .setTask(t.task()).setSeconds(t.seconds()).setToolSeconds(t.toolSeconds()).setModelSeconds(t.modelSeconds())
                .setCallsWithoutEnd(t.callsWithoutEnd()).setPeakBytes(t.peakBytes()).setPeakEpoch(t.peakEpoch())
                .setAverageBytes(t.averageBytes()).setPeakToAverage(t.peakToAverage())
                .setSamplesKept(t.samples().kept()).putAllSamplesSkipped(t.samples().skipped())
                .setCallsKept(t.calls().kept()).putAllCallsSkipped(t.calls().skipped());
        t.peakTool().ifPresent(c -> b.setPeakDuring(ref(c)));
        for (TaskAnalysis.Spike s : t.spikes()) {
            Spike.Builder spike = Spike.newBuilder().setEpoch(s.epoch()).setBytes(s.bytes());
            s.during().ifPresent(c -> spike.setDuring(ref(c)));
            b.addSpikes(spike);
        }
        for (TaskAnalysis.Burst x : t.bursts()) {
            Burst.Builder burst = Burst.newBuilder().setFromEpoch(x.from()).setToEpoch(x.to()).setBytesAdded(x.bytesAdded())
                    .setBytesPerSecond(x.bytesPerSecond());
            x.during().ifPresent(c -> burst.setDuring(ref(c)));
            b.addBursts(burst);
        }
        for (Map.Entry<String, TaskAnalysis.ToolStats> e : t.byTool().entrySet()) {
            b.addByTool(wire(e.getValue()));
        }
        return b.build();
    }

    private static ToolStats wire(TaskAnalysis.ToolStats s) {
        return ToolStats.newBuilder().setTool(s.tool()).setCalls(s.calls()).setTimedSeconds(s.seconds())
                .setP50PeakBytes(s.p50PeakBytes()).setP95PeakBytes(s.p95PeakBytes()).setMaxPeakBytes(s.maxPeakBytes()).build();
    }

    private static ToolCallRef ref(ToolCall c) {
        return ToolCallRef.newBuilder().setTool(c.tool()).setSummary(c.summary()).setStartEpoch(c.start()).build();
    }
}
