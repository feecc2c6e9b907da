package io.keelson.schedcp.core.workload;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The command profiler: runs a workload command the operator installed - an executable in the workloads directory,
 * named by the client, given arguments but never a shell or a path - a number of times one after another under a time
 * limit, and records the makespan (first start to last end), the throughput (completed runs per second) and the
 * latency percentiles of the runs. A run still going at the limit is killed with its children and not counted.
 */
public final class CommandProfiler {

    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    public static final int MAX_ARGS = 32;
    public static final int MAX_ARG_CHARS = 256;
    public static final int MAX_RUNS = 1_000;
    private static final int OUTPUT_TAIL = 4 * 1024;

    /** What the runs showed; latencies are over the runs that finished (failed ones included: they took that long). */
    public record Profile(String command, List<String> args, int runs, int failedRuns, boolean timedOut, double makespanSeconds,
                          double runsPerSecond, double p50Ms, double p95Ms, double p99Ms, double maxMs, String lastOutput) {
        public Profile {
            args = List.copyOf(args);
        }
    }

    private final Path workloadsDir;

    public CommandProfiler(Path workloadsDir) {
        this.workloadsDir = workloadsDir;
    }

    /** The workload commands the operator installed, by name. */
    public List<String> installed() {
        if (!Files.isDirectory(workloadsDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(workloadsDir)) {
            return files.filter(f -> NAME.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f) && Files.isExecutable(f))
                    .map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Runs {@code name} with {@code args} {@code runs} times (fewer if {@code limit} ends it first) in {@code workDir}.
     *
     * @throws IllegalArgumentException a bad name, argument or count (the message names the field)
     * @throws NoSuchElementException   no such workload command installed
     */
    public Profile profile(String name, List<String> args, int runs, Duration limit, Path workDir) throws IOException, InterruptedException {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("command: a workload command's name (" + NAME.pattern() + "), was '" + name + "'");
        }
        if (args.size() > MAX_ARGS || args.stream().anyMatch(a -> a.length() > MAX_ARG_CHARS || a.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("args: at most " + MAX_ARGS + " of at most " + MAX_ARG_CHARS + " characters, no NUL");
        }
        if (runs < 1 || runs > MAX_RUNS) {
            throw new IllegalArgumentException("runs: 1.." + MAX_RUNS + ", was " + runs);
        }
        if (!installed().contains(name)) {
            throw new NoSuchElementException("command: no workload command '" + name + "' in " + workloadsDir + " (installed: " + installed() + ")");
        }
        List<String> argv = new ArrayList<>();
        argv.add(workloadsDir.resolve(name).toString());
        argv.addAll(args);
        Path output = workDir.resolve("output.log");
        List<Long> durations = new ArrayList<>();
        int failed = 0;
        boolean timedOut = false;
        long first = System.nanoTime();
        long deadline = first + limit.toNanos();
        long lastEnd = first;
        for (int i = 0; i < runs; i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                timedOut = true;
                break;
            }
            long started = System.nanoTime();
            Process p = new ProcessBuilder(argv).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                timedOut = true;
                break;
            }
            lastEnd = System.nanoTime();
            durations.add(lastEnd - started);
            failed += p.exitValue() == 0 ? 0 : 1;
        }
        double makespan = (lastEnd - first) / 1e9;
        List<Long> sorted = new ArrayList<>(durations);
        Collections.sort(sorted);
        return new Profile(name, args, durations.size(), failed, timedOut, makespan, makespan == 0 ? 0 : durations.size() / makespan,
                percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99),
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6, tail(output));
    }

    private static double percentile(List<Long> sorted, double q) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - OUTPUT_TAIL);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
