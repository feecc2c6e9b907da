package io.keelson.schedcp.core.monitor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-process scheduler delay: the time each process's threads waited on a run queue, summed over
 * {@code /proc/PID/task/TID/schedstat} (the second field, kept by CONFIG_SCHED_INFO even where the kernel has no
 * {@code /proc/schedstat}; {@code /proc/PID/schedstat} alone is only the main thread's). A snapshot at
 * the start of a monitoring session and one at its end give each process's wait during the session; processes are
 * told apart by pid and start time, so a reused pid is a new process.
 */
public final class ProcessDelays {

    /** A process and the nanoseconds its threads have waited to run, so far. */
    record Process(long pid, long startTicks, String command, long waitNs) {
    }

    /** A process's wait during a session. */
    public record Delayed(long pid, String command, double waitMs) {
    }

    private final Map<String, Process> byIdentity;

    private ProcessDelays(Map<String, Process> byIdentity) {
        this.byIdentity = byIdentity;
    }

    /** Every process {@code proc} shows now; ones that vanish while being read, or cannot be read, are left out. */
    public static ProcessDelays snapshot(Path proc) {
        Map<String, Process> all = new HashMap<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path dir : pids) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] after = stat.substring(close + 2).trim().split("\\s+"); // state is field 3: after[0]
                    long startTicks = Long.parseLong(after[19]);                  // field 22
                    long waitNs = waited(dir);
                    Process p = new Process(Long.parseLong(dir.getFileName().toString()), startTicks, stat.substring(open + 1, close), waitNs);
                    all.put(p.pid() + "@" + p.startTicks(), p);
                } catch (IOException | RuntimeException e) {
                    // exited meanwhile, or a kernel without per-process schedstat: not counted
                }
            }
        } catch (IOException e) {
            // no procfs: nothing to count
        }
        return new ProcessDelays(all);
    }

    /** Run-queue wait of every thread of the process in {@code dir}, so far. */
    private static long waited(Path dir) throws IOException {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    sum += Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split("\\s+")[1]);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return sum;
    }

    /** Waits between {@code earlier} and this snapshot, per process, largest first (a process born since counts whole). */
    public List<Delayed> since(ProcessDelays earlier) {
        List<Delayed> out = new ArrayList<>();
        byIdentity.forEach((id, now) -> {
            Process before = earlier.byIdentity.get(id);
            long waited = now.waitNs() - (before == null ? 0 : before.waitNs());
            if (waited > 0) {
                out.add(new Delayed(now.pid(), now.command(), waited / 1e6));
            }
        });
        out.sort(Comparator.comparingDouble(Delayed::waitMs).reversed());
        return out;
    }
}
