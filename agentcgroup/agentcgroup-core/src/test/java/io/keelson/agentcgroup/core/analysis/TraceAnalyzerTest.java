package io.keelson.agentcgroup.core.analysis;

import io.keelson.agentcgroup.core.trace.ReadReport;
import io.keelson.agentcgroup.core.trace.ResourceSample;
import io.keelson.agentcgroup.core.trace.TaskTrace;
import io.keelson.agentcgroup.core.trace.ToolCall;
import io.keelson.agentcgroup.core.trace.TraceReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TraceAnalyzerTest {

    private static final long MB = 1_000_000;

    private static ResourceSample at(double t, long mb) {
        return new ResourceSample(t, mb * MB, 0);
    }

    private static ToolCall call(String tool, double start, double end, String what) {
        return new ToolCall(tool + start, tool, start, OptionalDouble.of(end), what);
    }

    @Test
    void splitsTimeFindsThePeakItsToolTheSpikesAndTheBursts() {
        List<ResourceSample> samples = List.of(at(0, 100), at(1, 100), at(2, 400), at(3, 500), at(4, 100), at(5, 100),
                at(6, 100), at(7, 350), at(8, 100), at(9, 100));
        List<ToolCall> calls = List.of(call("Bash", 1.8, 3.2, "pytest"), call("Read", 3.0, 3.5, "a.py"),
                call("Bash", 6.9, 7.1, "git status"), call("Edit", 9.5, 9.6, "b.py"));
        TaskAnalysis a = TraceAnalyzer.analyze(new TaskTrace("t", samples, calls, new ReadReport(10, Map.of()),
                new ReadReport(4, Map.of())));

        assertThat(a.seconds()).isEqualTo(9);
        assertThat(a.toolSeconds()).isCloseTo(1.7 + 0.2, within(1e-9)); // [1.8,3.5] once (Bash and Read overlap), [6.9,7.1]; Edit is past the last sample
        assertThat(a.modelSeconds()).isCloseTo(9 - 1.9, within(1e-9));
        assertThat(a.peakBytes()).isEqualTo(500 * MB);
        assertThat(a.peakTool()).hasValueSatisfying(c -> assertThat(c.tool()).isEqualTo("Read")); // latest started at t=3
        assertThat(a.averageBytes()).isEqualTo(195 * MB);
        assertThat(a.peakToAverage()).isCloseTo(500.0 / 195, within(1e-9));
        assertThat(a.spikes()).extracting(TaskAnalysis.Spike::bytes).containsExactly(500 * MB, 350 * MB);
        assertThat(a.spikes().get(1).during()).hasValueSatisfying(c -> assertThat(c.summary()).isEqualTo("git status"));
        assertThat(a.bursts().get(0).bytesPerSecond()).isEqualTo(300.0 * MB);
        assertThat(a.bursts().get(0).during()).hasValueSatisfying(c -> assertThat(c.summary()).isEqualTo("pytest"));
        assertThat(a.bursts()).extracting(TaskAnalysis.Burst::bytesAdded).containsExactly(300 * MB, 250 * MB, 100 * MB);

        TaskAnalysis.ToolStats bash = a.byTool().get("Bash");
        assertThat(bash.calls()).isEqualTo(2);
        assertThat(bash.p50PeakBytes()).isEqualTo(350 * MB);
        assertThat(bash.maxPeakBytes()).isEqualTo(500 * MB);
        assertThat(a.byTool().get("Edit").calls()).isEqualTo(1);
        assertThat(a.byTool().get("Edit").maxPeakBytes()).isEqualTo(100 * MB); // the sample at t=9 lies within its slack
    }

    @Test
    void callsWithoutAnEndRunUntilTheNextCallForAttributionButAddNoToolTime() {
        List<ResourceSample> samples = List.of(at(0, 100), at(1, 100), at(2, 100), at(3, 600), at(4, 100), at(5, 100));
        List<ToolCall> calls = List.of(new ToolCall("a", "Bash", 1.0, OptionalDouble.empty(), "make"),
                new ToolCall("b", "Read", 4.2, OptionalDouble.empty(), "x.c"));
        TaskAnalysis a = TraceAnalyzer.analyze(new TaskTrace("t", samples, calls, new ReadReport(6, Map.of()), new ReadReport(2, Map.of())));
        assertThat(a.callsWithoutEnd()).isEqualTo(2);
        assertThat(a.toolSeconds()).isZero();
        assertThat(a.peakTool()).hasValueSatisfying(c -> assertThat(c.summary()).isEqualTo("make"));
        assertThat(a.byTool().get("Bash").maxPeakBytes()).isEqualTo(600 * MB);
        assertThat(a.byTool().get("Read").maxPeakBytes()).isEqualTo(100 * MB);
    }

    @Test
    void theStudysHighPriorityTaskPeaksDuringATestRun() {
        TaskAnalysis dask = TraceAnalyzer.analyze(new TraceReader().read(Path.of("../testdata/agentcgroup-traces/paper-scenario/dask__dask-11628")));
        assertThat(dask.peakBytes()).isEqualTo(320_900_000L); // the largest mem_usage in resources.json: "320.9MB"
        assertThat(dask.peakTool()).hasValueSatisfying(c -> assertThat(c.tool()).isEqualTo("Bash"));
        assertThat(dask.peakToAverage()).isGreaterThan(1.5);
        assertThat(dask.toolSeconds() + dask.modelSeconds()).isCloseTo(dask.seconds(), within(1e-6));
    }

    @Test
    void everyTaskOfTheCorpusIsAnalysed() throws IOException {
        List<TaskTrace> traces;
        try (Stream<Path> files = Files.walk(Path.of("../testdata/agentcgroup-traces"))) {
            traces = files.filter(p -> p.getFileName().toString().equals(TraceReader.RESOURCES))
                    .map(p -> new TraceReader().read(p.getParent())).toList();
        }
        CorpusAnalysis corpus = CorpusAnalysis.of(traces);
        assertThat(corpus.tasks()).hasSize(25);
        // the study reports a 15.4x peak-to-average ratio for its most bursty task: it is Medical_Bio_Hard here
        assertThat(corpus.tasks()).filteredOn(t -> t.task().equals("Medical_Bio_Hard/attempt_1")).singleElement()
                .satisfies(t -> assertThat(t.peakToAverage()).isCloseTo(15.4, within(0.05)));
        assertThat(corpus.tasks()).allSatisfy(t -> {
            assertThat(t.peakBytes()).as(t.task()).isPositive();
            assertThat(t.peakToAverage()).as(t.task()).isGreaterThanOrEqualTo(1.0);
            assertThat(t.toolSeconds()).as(t.task()).isBetween(0.0, t.seconds());
        });
        assertThat(corpus.byTool()).containsKeys("Bash", "Read", "Edit");
        TaskAnalysis.ToolStats bash = corpus.byTool().get("Bash");
        assertThat(bash.p95PeakBytes()).isGreaterThanOrEqualTo(bash.p50PeakBytes());
        assertThat(bash.calls()).isEqualTo(traces.stream().mapToLong(t -> t.calls().stream().filter(c -> c.tool().equals("Bash")).count()).sum());
    }
}
