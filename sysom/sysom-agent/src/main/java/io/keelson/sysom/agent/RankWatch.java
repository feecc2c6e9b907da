package io.keelson.sysom.agent;

import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.v1.StreamEventsResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One training rank watched: its process sampled at every tick, its CPU stacks recorded continuously (optional), and
 * each new trace its profiler finishes sent to sysom as step reports with the host counters and stacks of their spans.
 * A trace another rank wrote (its {@code distributedInfo} names another rank) is not sent as this one's; a trace sysom
 * did not acknowledge (unreachable for now) is sent again at the next tick.
 */
public final class RankWatch implements AutoCloseable {

    /** How a rank's CPU stacks are recorded, if at all. */
    public record Stacks(StackProfiler.Kind kind, int hz, Duration window) {
    }

    private final long pid;
    private final String job;
    private final int worldSize;
    private final Optional<Integer> rank;
    private final ProcSampler sampler;
    private final HostHistory history = new HostHistory(TimeUnit.MINUTES.toMicros(30));
    private final StackHistory stackHistory = new StackHistory(TimeUnit.MINUTES.toMicros(30));
    private final TraceDirectory traces;
    /** Finished traces not sent yet: sent in order, each once sysom has acknowledged the one before. */
    private final Deque<Path> pending = new ArrayDeque<>();
    private final Path work;
    private final Optional<ContinuousStacks> sampling;
    private final Consumer<String> out;

    /**
     * @param rank the rank the process is, where known (node mode); a trace naming another is refused
     * @param out  where a JSON line per trace sent, and problems, go
     */
    public RankWatch(long pid, String job, int worldSize, Optional<Integer> rank, Path traceDirectory, ProcSampler sampler,
                     Optional<Stacks> stacks, Consumer<String> out) throws IOException {
        this.pid = pid;
        this.job = job;
        this.worldSize = worldSize;
        this.rank = rank;
        this.sampler = sampler;
        this.traces = new TraceDirectory(traceDirectory);
        this.out = out;
        this.work = Files.createTempDirectory("sysom-agent");
        this.sampling = stacks.map(s -> new ContinuousStacks(StackProfiler.of(s.kind(), pid, s.hz(), work), pid, s.window(), stackHistory,
                () -> System.currentTimeMillis() * 1000, problem -> out.accept(JsonLine.of("job", job, "pid", pid, "problem", problem))).start());
    }

    public long pid() {
        return pid;
    }

    /** Samples the process and sends what its profiler finished since; false once the process is gone. */
    public boolean tick(Publisher publisher, AgentOverhead overhead) throws Exception {
        Optional<ProcessSample> now = sampler.sample(pid);
        if (now.isEmpty()) {
            return false;
        }
        history.record(System.currentTimeMillis() * 1000, now.get());
        pending.addAll(traces.poll());
        while (!pending.isEmpty()) {
            Path trace = pending.peek();
            KinetoSteps.Steps read = KinetoSteps.read(trace);
            if (rank.isPresent() && read.rank().isPresent() && read.rank().getAsInt() != rank.get()) {
                out.accept(JsonLine.of("job", job, "pid", pid, "trace", trace.getFileName().toString(), "refused",
                        "written by rank " + read.rank().getAsInt() + ", not by rank " + rank.get()));
                pending.remove();
                continue;
            }
            List<RankStep> steps = read.steps().stream().map(history::join).map(stackHistory::join).toList();
            StreamEventsResponse r = publisher.publish(job, worldSize, steps); // sysom unreachable: thrown, the trace stays pending
            pending.remove();
            out.accept(JsonLine.of("job", job, "pid", pid, "trace", trace.getFileName().toString(), "steps", steps.size(), "kept", r.getAccepted(),
                    "rejected", r.getRejected(), "skipped_events", read.report().skippedEvents(), "cut_at_byte", read.report().truncatedAt().orElse(-1),
                    "agent_cpu_percent", Math.round(overhead.percentSinceLast() * 1000) / 1000.0));
        }
        return true;
    }

    @Override
    public void close() {
        sampling.ifPresent(ContinuousStacks::close);
        try {
            Files.deleteIfExists(work);
        } catch (IOException stillRecording) {
            // the last window's file is removed by its profiler once it ends
        }
    }
}
