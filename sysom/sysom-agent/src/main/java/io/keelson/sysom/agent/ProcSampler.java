package io.keelson.sysom.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads a process's counters from procfs. Cheap by design (a few small files per thread, no parsing beyond
 * splitting lines), because the agent runs all the time next to a training job. A file the agent may not read
 * (another user's {@code io}) counts as zero; a process that is gone is an empty answer, not an error.
 */
public final class ProcSampler {

    private final Path proc;

    /** @param proc the procfs root ({@code /proc}; tests give a fake tree) */
    public ProcSampler(Path proc) {
        this.proc = proc;
    }

    public static ProcSampler host() {
        return new ProcSampler(Path.of("/proc"));
    }

    public Optional<ProcessSample> sample(long pid) {
        Path dir = proc.resolve(Long.toString(pid));
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        long onCpu = 0;
        long runQueue = 0;
        long threads = 0;
        try (Stream<Path> tasks = Files.list(dir.resolve("task"))) {
            for (Path task : tasks.toList()) {
                Optional<String> schedstat = read(task.resolve("schedstat"));
                if (schedstat.isPresent()) {
                    String[] f = schedstat.get().trim().split("\\s+");
                    onCpu += Long.parseLong(f[0]);
                    runQueue += Long.parseLong(f[1]);
                    threads++;
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty(); // exited between the check and the listing
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long rss = field(read(dir.resolve("status")), "VmRSS:") * 1024;
        Optional<String> io = read(dir.resolve("io"));
        Optional<String> vmstat = read(proc.resolve("vmstat"));
        return Optional.of(new ProcessSample(System.nanoTime(), onCpu, runQueue, threads, rss, field(io, "read_bytes:"),
                field(io, "write_bytes:"), field(vmstat, "pgscan_direct ") + field(vmstat, "pgscan_kswapd "),
                field(vmstat, "pgsteal_direct ") + field(vmstat, "pgsteal_kswapd ")));
    }

    /** The CPU time this JVM (the agent itself) has used so far, from its own threads' schedstat. */
    public long ownCpuNanos() {
        return sample(ProcessHandle.current().pid()).map(ProcessSample::onCpuNanos).orElse(0L);
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty(); // gone, or not ours to read
        }
    }

    /** The first number after {@code key} at the start of a line ({@code "VmRSS:\t 1234 kB"}); 0 when absent. */
    static long field(Optional<String> text, String key) {
        if (text.isEmpty()) {
            return 0;
        }
        for (String line : text.get().split("\n")) {
            if (line.startsWith(key)) {
                List<String> parts = List.of(line.substring(key.length()).trim().split("\\s+"));
                try {
                    return Long.parseLong(parts.get(0));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
