package io.keelson.schedcp.core.workload;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * SchedCP's batch pattern as real processes: each job is a CPU-bound {@code awk} loop of a fixed number of
 * iterations (work, not wall time, so how they are scheduled shows in the makespan). Jobs start all at once (the
 * kernel's scheduler decides) or are admitted {@code concurrency} at a time in FIFO or longest-first order - a
 * user-space stand-in for the order a sched_ext scheduler would impose, runnable on a kernel without sched_ext.
 */
public final class ProcessBatch {

    public record Job(String name, long iterations) {
    }

    public enum Admission { ALL_AT_ONCE, FIFO, LONGEST_FIRST }

    /** One job's wall-clock span, in ms from the batch's start. */
    public record Span(String name, long startMillis, long endMillis, int exitCode) {
    }

    public record Result(Admission admission, long makespanMillis, List<Span> spans) {
    }

    private ProcessBatch() {
    }

    /** SchedCP's 39 short + 1 long, the long one last, {@code unitIterations} per short job and ten times that for the long one. */
    public static List<Job> batch(long unitIterations) {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 39; i++) {
            jobs.add(new Job("short-" + i, unitIterations));
        }
        jobs.add(new Job("long", 10 * unitIterations));
        return jobs;
    }

    /** Iterations of the awk loop this machine runs per second on one CPU, measured now over about {@code sample}. */
    public static long iterationsPerSecond(Duration sample) throws IOException, InterruptedException {
        long n = 5_000_000;
        while (true) {
            long t0 = System.nanoTime();
            run(n);
            long elapsed = System.nanoTime() - t0;
            if (elapsed >= sample.toNanos() / 2) {
                return Math.round(n / (elapsed / 1e9));
            }
            n *= 2;
        }
    }

    public static Result run(List<Job> jobs, Admission admission, int concurrency, Duration limit) throws IOException, InterruptedException {
        List<Job> order = new ArrayList<>(jobs);
        if (admission == Admission.LONGEST_FIRST) {
            order.sort(Comparator.comparingLong(Job::iterations).reversed());
        }
        int slots = admission == Admission.ALL_AT_ONCE ? order.size() : concurrency;
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        List<Process> running = new ArrayList<>();
        List<Integer> runningIndex = new ArrayList<>();
        long[] starts = new long[order.size()];
        long[] ends = new long[order.size()];
        int[] exits = new int[order.size()];
        int next = 0;
        try {
            while (next < order.size() || !running.isEmpty()) {
                while (next < order.size() && running.size() < slots) {
                    starts[next] = System.nanoTime() - start;
                    running.add(start(order.get(next).iterations()));
                    runningIndex.add(next++);
                }
                for (int i = running.size() - 1; i >= 0; i--) {
                    if (!running.get(i).isAlive()) {
                        int index = runningIndex.remove(i);
                        exits[index] = running.remove(i).exitValue();
                        ends[index] = System.nanoTime() - start;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("batch ran over its " + limit.toSeconds() + " s limit");
                }
                Thread.sleep(2);
            }
        } finally {
            running.forEach(Process::destroyForcibly);
            for (Process p : running) {
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            spans.add(new Span(order.get(i).name(), starts[i] / 1_000_000, ends[i] / 1_000_000, exits[i]));
        }
        long makespan = spans.stream().mapToLong(Span::endMillis).max().orElse(0);
        return new Result(admission, makespan, List.copyOf(spans));
    }

    private static Process start(long iterations) throws IOException {
        return new ProcessBuilder("awk", String.format(Locale.ROOT, "BEGIN{for(i=0;i<%d;i++);}", iterations)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void run(long iterations) throws IOException, InterruptedException {
        Process p = start(iterations);
        if (p.waitFor() != 0) {
            throw new IOException("awk exited " + p.exitValue());
        }
    }
}
