package io.keelson.sysom.agent;

import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.HostSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The pieces of {@code sysom-agent watch}: which trace files are ready, and the host counters a step gets. */
class WatchPartsTest {

    private static RankStep step(double start, double end) {
        return new RankStep(0, 1, start, end, List.of(), 0, 0, Map.of(), new HostSample(0, 0, 0));
    }

    @Test
    void aStepGetsTheHostCountersOfItsOwnSpanAndNoneItDoesNotCover() {
        HostHistory history = new HostHistory(60_000_000);
        history.record(1_000_000, new ProcessSample(0, 0, 0, 1, 0, 0, 0, 0, 0));
        history.record(2_000_000, new ProcessSample(0, 0, 10_000_000, 1, 0, 0, 0, 0, 100));
        RankStep joined = history.join(step(1_250_000, 1_750_000));
        assertThat(joined.host().schedDelayMicros()).isEqualTo(5_000);
        assertThat(joined.host().reclaimedPages()).isEqualTo(50);
        assertThat(history.join(step(2_500_000, 2_600_000)).host()).isEqualTo(new HostSample(0, 0, 0)); // after the last reading
        RankStep unfinished = step(1_250_000, Double.NaN);
        assertThat(history.join(unfinished)).isSameAs(unfinished);
        history.record(100_000_000, new ProcessSample(0, 0, 0, 1, 0, 0, 0, 0, 0)); // older readings fall out of the window
        assertThat(history.join(step(1_250_000, 1_750_000)).host()).isEqualTo(new HostSample(0, 0, 0));
    }

    @Test
    void aTraceFileIsReadyOnceItStopsGrowingAndIsReturnedOnce(@TempDir Path dir) throws Exception {
        TraceDirectory traces = new TraceDirectory(dir);
        Path trace = dir.resolve("rank0.1.pt.trace.json");
        Files.writeString(trace, "{\"traceEvents\": [");
        Files.writeString(dir.resolve("notes.txt"), "not a trace");
        assertThat(traces.poll()).isEmpty(); // first seen: its size is noted
        Files.writeString(trace, "{\"traceEvents\": []}");
        assertThat(traces.poll()).isEmpty(); // it grew
        assertThat(traces.poll()).containsExactly(trace);
        assertThat(traces.poll()).isEmpty();
    }
}
