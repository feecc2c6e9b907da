package io.keelson.sysom.core.bench;

import io.keelson.sysom.core.diagnosis.BaselineDetector;
import io.keelson.sysom.core.diagnosis.LayeredDiagnosis;
import io.keelson.sysom.core.trace.KinetoReader;
import io.keelson.sysom.core.xfault.FaultBenchmark;
import io.keelson.sysom.core.xfault.KernelProfile;
import io.keelson.sysom.core.xfault.Topology;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * sysom's benchmark (issue 7): (1) trace ingest — the real traces read by {@link KinetoReader} on one thread,
 * events per second (files held in memory, so the disk is not measured); (2) XFault at 1,024 ranks — the layered
 * diagnosis and the baseline detector (per-rank step-time threshold) on the same scenarios in the same run.
 * Usage: {@code SysomBenchmark <testdata/traces dir> [dp tp pp seeds]}.
 */
public final class SysomBenchmark {

    public static void main(String[] args) throws Exception {
        Path traces = Path.of(args[0]);
        ingest(traces);
        int dp = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int tp = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int pp = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int seeds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        xfault(traces, new Topology(dp, tp, pp), seeds);
    }

    private static void ingest(Path traces) throws Exception {
        List<byte[]> files = new ArrayList<>();
        long bytes = 0;
        try (Stream<Path> all = Files.walk(traces)) {
            for (Path p : all.filter(f -> f.toString().endsWith(".json") || f.toString().endsWith(".json.gz")).sorted().toList()) {
                byte[] b = Files.readAllBytes(p);
                files.add(b);
                bytes += b.length;
            }
        }
        KinetoReader reader = new KinetoReader();
        long[] events = new long[1];
        long warmUntil = System.nanoTime() + 3_000_000_000L; // the JIT needs a few hundred passes
        while (System.nanoTime() < warmUntil) {
            for (byte[] f : files) {
                reader.read(new ByteArrayInputStream(f), e -> events[0]++);
            }
        }
        List<Double> rates = new ArrayList<>();
        for (int round = 0; round < 11; round++) {
            events[0] = 0;
            long start = System.nanoTime();
            for (byte[] f : files) {
                reader.read(new ByteArrayInputStream(f), e -> events[0]++);
            }
            rates.add(events[0] / ((System.nanoTime() - start) / 1e9));
        }
        rates.sort(Double::compare);
        System.out.printf("ingest: %d real trace files (%.1f MB as stored), %,d events per pass; one thread: median %,.0f events/s "
                + "(min %,.0f, max %,.0f) over 11 passes after 3 s of warm-up%n", files.size(), bytes / 1e6, events[0], rates.get(5), rates.get(0),
                rates.get(10));
    }

    private static void xfault(Path traces, Topology topology, int seeds) throws Exception {
        KernelProfile profile = KernelProfile.fromTrace(traces.resolve("hta/critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz"), 8);
        LayeredDiagnosis layered = new LayeredDiagnosis(LayeredDiagnosis.Settings.defaults());
        BaselineDetector baseline = new BaselineDetector(0.10);
        FaultBenchmark.Options options = new FaultBenchmark.Options(topology, 14, 6, 4, List.of(0.1, 0.2, 0.5), seeds, 4 * seeds, 12, 250, 2026);
        FaultBenchmark.Result result = FaultBenchmark.run(options, profile, List.of(
                new FaultBenchmark.Detector("layered diagnosis (L0–L4)", layered::diagnose),
                new FaultBenchmark.Detector("baseline: per-rank step time > median + 10 %, two steps", baseline::diagnose)));
        System.out.printf("XFault: %s, kernels from %s; %d scenarios (%d rank-steps) in %.1f s%n", topology, profile.source(),
                result.scenarios(), result.rankSteps(), result.seconds());
        System.out.println();
        System.out.println("| detector | single recall | single precision | class accuracy | top-3 | pair recall | pair precision | hangs found "
                + "| false alarms / 1,000 healthy steps | detection latency (steps) median / max |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (FaultBenchmark.Scores s : result.scores()) {
            System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %s / %s |%n", s.detector(), f(s.singleRecall()),
                    f(s.singlePrecision()), f(s.classAccuracy()), f(s.top3()), f(s.pairRecall()), f(s.pairPrecision()), f(s.hangRecall()),
                    s.falseAlarmsPer1000(), n(s.medianLatency()), n(s.maxLatency()));
        }
        System.out.println();
        System.out.println("| fault class | " + String.join(" | ", result.scores().stream().map(s -> s.detector() + " recall").toList())
                + " | layered class accuracy |");
        System.out.println("|---|" + "---:|".repeat(result.scores().size() + 1));
        for (Map.Entry<io.keelson.sysom.core.xfault.FaultClass, Double> e : result.scores().get(0).recallByClass().entrySet()) {
            StringBuilder row = new StringBuilder("| " + e.getKey());
            for (FaultBenchmark.Scores s : result.scores()) {
                row.append(" | ").append(f(s.recallByClass().get(e.getKey())));
            }
            row.append(" | ").append(f(result.scores().get(0).classAccuracyByClass().get(e.getKey()))).append(" |");
            System.out.println(row);
        }
    }

    private static String f(Double v) {
        return v == null || v.isNaN() ? "–" : String.format("%.2f", v);
    }

    private static String n(double v) {
        return Double.isNaN(v) ? "–" : String.format("%.0f", v);
    }
}
