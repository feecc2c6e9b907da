package io.keelson.agentcgroup.core.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceReaderTest {

    /** The study's traces, copied from ../shared/data into agentcgroup/testdata (GPL-2.0 data; see its README). */
    static final Path TRACES = Path.of("../testdata/agentcgroup-traces");

    @Test
    void sizesInEveryUnitDockerPrints() {
        assertThat(ByteSize.parse("185.5MB")).isEqualTo(185_500_000L);
        assertThat(ByteSize.parse(" 1.5GiB ")).isEqualTo(1_610_612_736L);
        assertThat(ByteSize.parse("512kB")).isEqualTo(512_000L);
        assertThat(ByteSize.parse("512KiB")).isEqualTo(524_288L);
        assertThat(ByteSize.parse("2GB")).isEqualTo(2_000_000_000L);
        assertThat(ByteSize.parse("0B")).isZero();
        assertThatThrownBy(() -> ByteSize.parse("12XB")).isInstanceOf(TraceFormatException.class).hasMessageContaining("12XB");
        assertThatThrownBy(() -> ByteSize.parse("MB")).isInstanceOf(TraceFormatException.class);
    }

    @Test
    void readsTheStudysTracesAndCountsWhatItSkips() {
        TaskTrace dask = new TraceReader().read(TRACES.resolve("paper-scenario/dask__dask-11628"));
        assertThat(dask.name()).isEqualTo("dask__dask-11628");
        assertThat(dask.samples()).hasSize(95);
        assertThat(dask.sampleReport().skippedTotal()).isZero();
        assertThat(dask.calls()).hasSize(26);
        assertThat(dask.calls().get(0).tool()).isEqualTo("TodoWrite");
        assertThat(dask.samples().get(1).memoryBytes()).isEqualTo(185_500_000L);
        assertThat(dask.samples().get(0).cpuPercent()).isEqualTo(117.65);

        TaskTrace github = new TraceReader().read(TRACES.resolve("paper-scenario/sigmavirus24__github3.py-673"));
        assertThat(github.sampleReport().skipped()).containsKey("container not running (mem_usage 0B / 0B)");
        assertThat(github.sampleReport().kept() + github.sampleReport().skippedTotal()).isEqualTo(100);
        assertThat(github.calls()).hasSize(18);
        assertThat(new TraceReader().read(TRACES.resolve("CLI_Tools_Easy/attempt_1")).name()).isEqualTo("CLI_Tools_Easy/attempt_1");
    }

    @Test
    void badRecordsAreCountedAndSkippedAndATruncatedFileKeepsItsHead(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(TraceReader.RESOURCES), """
                {"other": [1, {"x": 2}], "samples": [
                  {"epoch": 10.0, "mem_usage": "100MB / 1GB", "cpu_percent": "50%"},
                  {"mem_usage": "100MB / 1GB"},
                  {"epoch": 11.0, "mem_usage": "12XB / 1GB"},
                  {"epoch": 12.0, "mem_usage": "300MiB / 1GB", "cpu_percent": "lots"},
                  {"epoch": "soon", "mem_usage": "1MB"},
                  {"epoch": 13.0, "mem_usage": "1.5GB / 2GB", "cpu_percent": "1%"},
                  {"epoch": 14.0, "mem_usage": "2GB""");
        Files.writeString(dir.resolve(TraceReader.TOOL_CALLS), """
                [{"timestamp": "1970-01-01T00:00:10Z", "end_timestamp": "1970-01-01T00:00:12.5Z", "tool": "Bash",
                  "input": {"command": "python   -m pytest -x"}},
                 {"timestamp": "yesterday", "tool": "Read"},
                 {"timestamp": "1970-01-01T00:00:11Z", "input": {}}]""");
        TaskTrace t = new TraceReader().read(dir);
        assertThat(t.samples()).extracting(ResourceSample::memoryBytes).containsExactly(100_000_000L, 1_500_000_000L);
        assertThat(t.sampleReport().skipped()).containsOnlyKeys("sample without a numeric epoch", "not a size: '12XB'",
                "cpu_percent is not a percentage", "invalid JSON from line 8 on (rest of file ignored)");
        assertThat(t.sampleReport().skipped().get("sample without a numeric epoch")).isEqualTo(2);
        assertThat(t.calls()).singleElement().satisfies(c -> {
            assertThat(c.summary()).isEqualTo("python -m pytest -x");
            assertThat(c.seconds()).isEqualTo(2.5);
        });
        assertThat(t.callReport().skipped()).containsOnlyKeys("timestamp is not an ISO instant", "tool call without tool");
    }

    @Test
    void missingFilesAreReportedNotThrown(@TempDir Path dir) {
        TaskTrace t = new TraceReader().read(dir);
        assertThat(t.samples()).isEmpty();
        assertThat(t.sampleReport().skipped()).containsOnlyKeys("file missing: resources.json");
        assertThat(t.callReport().skipped()).containsOnlyKeys("file missing: tool_calls.json");
    }
}
