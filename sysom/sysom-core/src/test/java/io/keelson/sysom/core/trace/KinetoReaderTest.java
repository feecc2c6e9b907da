package io.keelson.sysom.core.trace;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Ingest of real traces (HTA's test data, MIT; see ../testdata/traces/hta/LICENSE) and of damaged ones. */
class KinetoReaderTest {

    private static final Path HTA = Path.of("../testdata/traces/hta");

    private static List<TraceEvent> read(Path file, TraceInfo[] info) throws Exception {
        List<TraceEvent> events = new ArrayList<>();
        info[0] = new KinetoReader().read(file, events::add);
        return events;
    }

    @Test
    void readsARankOfA128RankJobStreamingFromGzip() throws Exception {
        TraceInfo[] info = new TraceInfo[1];
        List<TraceEvent> events = read(HTA.resolve("trace_filter/sampled_rank-0.json.gz"), info);
        assertThat(info[0].rank()).hasValue(0);
        assertThat(info[0].worldSize()).hasValue(128);
        assertThat(info[0].backend()).hasValue("nccl");
        assertThat(info[0].report().keptEvents()).isEqualTo(4855);
        assertThat(info[0].report().skippedEvents()).isZero();
        assertThat(events.stream().filter(e -> e.category().equals("kernel")).count()).isEqualTo(1154);
        TraceEvent kernel = events.stream().filter(e -> e.category().equals("kernel")).findFirst().orElseThrow();
        assertThat(kernel.arg("correlation")).isPresent();
        assertThat(kernel.durMicros()).isPositive();
    }

    @Test
    void collectivesComeWithTheirSizesAndGroups() throws Exception {
        TraceInfo[] info = new TraceInfo[1];
        List<TraceEvent> events = read(HTA.resolve("nccl_parser_config/nccl_data.json.gz"), info);
        assertThat(info[0].worldSize()).hasValue(2);
        assertThat(info[0].baseTimeNanos()).isPresent();
        List<CollectiveCall> calls = events.stream().map(CollectiveCall::of).flatMap(java.util.Optional::stream).toList();
        Map<String, Long> byName = calls.stream().collect(java.util.stream.Collectors.groupingBy(CollectiveCall::collective,
                java.util.stream.Collectors.counting()));
        assertThat(byName).containsExactlyInAnyOrderEntriesOf(Map.of("allreduce", 30L, "broadcast", 12L, "wait", 6L));
        assertThat(calls).filteredOn(c -> !c.collective().equals("wait")).allSatisfy(c -> {
            assertThat(c.groupSize()).isEqualTo(2);
            assertThat(c.ranks()).isEqualTo("[0, 1]");
            assertThat(c.inElements()).isPresent();
        });
        assertThat(events.stream().filter(TraceEvent::communication).count()).isPositive();
    }

    @Test
    void theGpuBreakdownAddsUpToTheSpanOnEveryRealTrace() throws Exception {
        for (String trace : List.of("critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz", "nccl_parser_config/nccl_data.json.gz",
                "amd_trace/mi250_minitoy_train_ROCm6_2_kineto.json.gz", "trace_filter/sampled_rank-1.json.gz")) {
            TraceInfo[] info = new TraceInfo[1];
            Map<String, GpuBreakdown> gpus = GpuBreakdown.of(read(HTA.resolve(trace), info));
            assertThat(gpus).as(trace).isNotEmpty();
            gpus.values().forEach(g -> {
                assertThat(g.computeMicros() + g.communicationMicros() + g.memoryMicros() + g.idleMicros()).as(trace)
                        .isCloseTo(g.spanMicros(), within(g.spanMicros() * 1e-9 + 1e-6));
                assertThat(g.computeMicros()).as(trace).isPositive();
            });
        }
        TraceInfo[] info = new TraceInfo[1];
        GpuBreakdown nccl = GpuBreakdown.of(read(HTA.resolve("nccl_parser_config/nccl_data.json.gz"), info)).values().iterator().next();
        assertThat(nccl.communicationMicros()).isPositive();
    }

    @Test
    void overlapCountsOnceInTheFirstBusyClass() {
        List<TraceEvent> events = List.of(
                new TraceEvent("gemm", "kernel", 'X', 0, 10, "0", "7", Map.of()),
                new TraceEvent("ncclKernel_AllReduce", "kernel", 'X', 5, 10, "0", "9", Map.of()),
                new TraceEvent("Memcpy HtoD", "gpu_memcpy", 'X', 12, 6, "0", "11", Map.of()),
                new TraceEvent("gemm", "kernel", 'X', 30, 10, "0", "7", Map.of()));
        GpuBreakdown g = GpuBreakdown.of(events).get("0");
        assertThat(g.spanMicros()).isEqualTo(40);
        assertThat(g.computeMicros()).isEqualTo(20);        // 0-10, 30-40
        assertThat(g.communicationMicros()).isEqualTo(5);   // 10-15
        assertThat(g.memoryMicros()).isEqualTo(3);          // 15-18
        assertThat(g.idleMicros()).isEqualTo(12);           // 18-30
    }

    @Test
    void badEventsAreCountedAndSkippedAndATruncatedFileKeepsItsHead() throws Exception {
        String json = "{\"traceEvents\":[{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"k\",\"pid\":0,\"tid\":1,\"ts\":5,\"dur\":2},"
                + "{\"cat\":\"kernel\",\"ts\":1},{\"ph\":\"X\",\"ts\":\"soon\"},{\"ph\":\"X\",\"ts\":3,\"dur\":-1},"
                + "{\"ph\":\"X\",\"cat\":\"cpu_op\",\"name\":\"op\",\"pid\":\"p\",\"tid\":2,\"ts\":\"7.5\",\"dur\":1,\"args\":{\"x\":{\"nested\":1},\"y\":2}},"
                + "{\"ph\":\"X\",\"cat\":\"cpu_op\",\"name\":\"cut";
        List<TraceEvent> events = new ArrayList<>();
        TraceInfo info = new KinetoReader().read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), events::add);
        assertThat(events).extracting(TraceEvent::name).containsExactly("k", "op");
        assertThat(events.get(1).args()).containsExactly(Map.entry("y", "2"));
        assertThat(events.get(1).tsMicros()).isEqualTo(7.5);
        assertThat(info.report().skippedByReason()).containsExactlyInAnyOrderEntriesOf(Map.of("no phase", 1L, "ts not a number", 1L,
                "negative duration", 1L));
        assertThat(info.report().wasTruncated()).isTrue();
        assertThat(info.report().truncatedAt()).hasValue(json.length()); // the cut is where the bytes ended
        assertThat(info.report().toString()).contains("cut or damaged at byte " + json.length());
    }

    @Test
    void aGzippedTraceCutShortSaysWhereAndKeepsItsHead() throws Exception {
        byte[] whole = Files.readAllBytes(HTA.resolve("critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz"));
        List<TraceEvent> events = new ArrayList<>();
        TraceInfo info = new KinetoReader().read(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length / 2)), events::add);
        assertThat(events).isNotEmpty().hasSizeLessThan(1408);
        assertThat(info.report().truncatedAt()).isPresent();
        assertThat(info.report().truncatedAt().getAsLong()).isPositive();
    }

    @Test
    void idleGapsAreHostWaitKernelWaitOrOther() {
        List<TraceEvent> events = List.of(
                new TraceEvent("launch", "cuda_runtime", 'X', 0, 2, "9", "1", Map.of("correlation", "1")),
                new TraceEvent("k1", "kernel", 'X', 5, 10, "0", "7", Map.of("correlation", "1")),
                new TraceEvent("launch", "cuda_runtime", 'X', 6, 2, "9", "1", Map.of("correlation", "2")),
                new TraceEvent("k2", "kernel", 'X', 20, 10, "0", "7", Map.of("correlation", "2")),   // gap 5, launched before: kernel wait
                new TraceEvent("launch", "cuda_runtime", 'X', 40, 2, "9", "1", Map.of("correlation", "3")),
                new TraceEvent("k3", "kernel", 'X', 45, 5, "0", "7", Map.of("correlation", "3")),    // gap 15, launched after k2 ended: host wait
                new TraceEvent("launch", "cuda_runtime", 'X', 46, 2, "9", "1", Map.of("correlation", "4")),
                new TraceEvent("k4", "kernel", 'X', 150, 5, "0", "7", Map.of("correlation", "4")),   // gap 100, launched long before: other
                new TraceEvent("k5", "kernel", 'X', 160, 5, "0", "7", Map.of()));                     // gap 5, no launch known: other
        StreamIdle s = StreamIdle.of(events, StreamIdle.DEFAULT_KERNEL_WAIT_MICROS).get("0/7");
        assertThat(s.gaps()).isEqualTo(4);
        assertThat(s.kernelWaitMicros()).isEqualTo(5);
        assertThat(s.hostWaitMicros()).isEqualTo(15);
        assertThat(s.otherMicros()).isEqualTo(105);
    }

    @Test
    void everyIdleGapOfARealTrainingStepIsAttributed() throws Exception {
        TraceInfo[] info = new TraceInfo[1];
        List<TraceEvent> events = read(HTA.resolve("critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz"), info);
        Map<String, StreamIdle> streams = StreamIdle.of(events, StreamIdle.DEFAULT_KERNEL_WAIT_MICROS);
        assertThat(streams).containsKeys("0/7", "0/20");
        StreamIdle main = streams.get("0/7");
        assertThat(main.gaps()).isPositive();
        assertThat(main.hostWaitMicros() + main.kernelWaitMicros()).as("some of a training step's gaps wait on launches").isPositive();
        // the stream's idle time is its span less its busy time
        List<TraceEvent> work = events.stream().filter(e -> e.onGpu() && e.phase() == 'X' && e.tid().equals("7")).toList();
        double span = work.stream().mapToDouble(TraceEvent::endMicros).max().orElseThrow() - work.stream().mapToDouble(TraceEvent::tsMicros).min().orElseThrow();
        double busy = GpuBreakdown.length(GpuBreakdown.union(work, e -> true));
        assertThat(main.idleMicros()).isCloseTo(span - busy, within(1e-6 * span));
    }

    @Test
    void foldedStacksMergeAndCountBadLines() throws Exception {
        ReadReport report = new ReadReport();
        List<FoldedStacks.Stack> stacks = FoldedStacks.read(new BufferedReader(new StringReader(String.join("\n",
                "main;train;forward 10", "main;train;forward 5", "main;dataloader;read 3", "main;;broken 2", "no-count", "main;x 0", ""))), report);
        assertThat(stacks).containsExactly(new FoldedStacks.Stack(List.of("main", "dataloader", "read"), 3),
                new FoldedStacks.Stack(List.of("main", "train", "forward"), 15));
        assertThat(report.skippedByReason()).containsExactlyInAnyOrderEntriesOf(Map.of("empty frame", 1L, "no sample count", 2L));
    }

    @Test
    void gzipAndPlainReadTheSame() throws Exception {
        Path gz = HTA.resolve("critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz");
        byte[] plain;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            plain = in.readAllBytes();
        }
        List<TraceEvent> fromGzip = new ArrayList<>();
        List<TraceEvent> fromPlain = new ArrayList<>();
        new KinetoReader().read(gz, fromGzip::add);
        new KinetoReader().read(new ByteArrayInputStream(plain), fromPlain::add);
        assertThat(fromPlain).isEqualTo(fromGzip).hasSize(1408 - 0);
    }
}
