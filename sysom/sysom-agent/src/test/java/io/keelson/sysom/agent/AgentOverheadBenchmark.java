package io.keelson.sysom.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The node agent's cost to a CPU-bound job, A/B on this machine: a {@link Spinner} job with one thread per core runs
 * alone (A) and while the agent samples it (B), alternately; the job's work per run is compared. The agent samples
 * at {@code interval} ms (its default is 1,000; the benchmark's 100 is ten times that); with {@code perf} it also records
 * the job's CPU stacks continuously as {@code watch} does (perf at 19 Hz, 30 s windows as its default). Usage:
 * {@code [seconds rounds interval-ms [perf]]}.
 */
public final class AgentOverheadBenchmark {

    private static final int WINDOW_SECONDS = Integer.getInteger("window", 30); // watch's default
    private static final Path WORK = Path.of(System.getProperty("java.io.tmpdir")); // perf's data files, each deleted once folded

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 8;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long intervalMs = args.length > 2 ? Long.parseLong(args[2]) : 100;
        boolean stacks = args.length > 3 && args[3].equals("perf");
        if (stacks && PerfStacks.perf().isEmpty()) {
            throw new IllegalStateException("perf is not installed (Debian: linux-perf)");
        }
        int threads = Runtime.getRuntime().availableProcessors();
        run(seconds / 4, threads, -1, false); // warm the machine (JIT of the spinner, CPU clocks)
        List<Double> ratios = new ArrayList<>();
        List<Double> agentCpu = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long alone = run(seconds, threads, -1, false)[0];
            long[] sampled = run(seconds, threads, intervalMs, stacks);
            ratios.add((double) sampled[0] / alone);
            agentCpu.add(sampled[1] / 1e9 / seconds * 100);
            System.out.printf(Locale.ROOT, "round %d: alone %,d, sampled %,d (%.3f %%), agent CPU %.3f %% of one core%n", r + 1, alone, sampled[0],
                    100.0 * (sampled[0] - alone) / alone, agentCpu.get(r));
        }
        ratios.sort(Double::compare);
        agentCpu.sort(Double::compare);
        System.out.printf(Locale.ROOT, "%d threads × %.0f s, sampling every %d ms" + (stacks ? " and perf stacks at 19 Hz" : "") + ": job work with the agent / without, median %.4f "
                        + "(%.2f %% slower; range %.4f–%.4f); agent CPU median %.3f %% of one core%n", threads, seconds, intervalMs,
                ratios.get(rounds / 2), 100 * (1 - ratios.get(rounds / 2)), ratios.get(0), ratios.get(rounds - 1), agentCpu.get(rounds / 2));
    }

    /**
     * Runs the job; with {@code intervalMs} >= 0 samples it meanwhile (and records its stacks with perf when {@code stacks}).
     * Returns its work and the agent's CPU nanoseconds (perf's own CPU is not in it; it shows in the job's work).
     */
    private static long[] run(double seconds, int threads, long intervalMs, boolean stacks) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process job = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Spinner.class.getName(), Double.toString(seconds),
                Integer.toString(threads)).redirectErrorStream(true).start();
        ProcSampler sampler = ProcSampler.host();
        long cpuBefore = sampler.ownCpuNanos();
        ContinuousStacks recording = stacks ? new ContinuousStacks(StackProfiler.of(StackProfiler.Kind.perf, job.pid(), 19, WORK), job.pid(),
                Duration.ofSeconds(WINDOW_SECONDS), new StackHistory(Long.MAX_VALUE / 4), () -> System.currentTimeMillis() * 1000, System.err::println).start() : null;
        if (intervalMs >= 0) {
            ProcessSample previous = sampler.sample(job.pid()).orElse(null);
            while (job.isAlive() && previous != null) {
                Thread.sleep(intervalMs);
                ProcessSample now = sampler.sample(job.pid()).orElse(null);
                if (now != null) {
                    now.since(previous); // what the agent computes each interval
                    previous = now;
                }
            }
        }
        long workDone = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(job.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("WORK ")) {
                    workDone = Long.parseLong(line.substring(5));
                }
            }
        }
        job.waitFor();
        if (recording != null) {
            recording.close();
        }
        return new long[]{workDone, sampler.ownCpuNanos() - cpuBefore};
    }
}
