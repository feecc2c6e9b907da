package io.keelson.agentcgroup.core.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the simulated kernel sees of real processes and does to them: usage from {@code /proc}, signals through
 * libc's {@code kill(2)} (Java has no SIGSTOP/SIGCONT of its own).
 */
final class HostProcesses {

    static final int SIGKILL = 9;
    static final int SIGCONT = 18;
    static final int SIGSTOP = 19;

    /** A living process as sampled now; {@code startTime} (clock ticks after boot) tells a reused pid apart. */
    record Sample(long pid, long startTime, long rssBytes, long userMicros, long systemMicros) {
    }

    private static final int SC_CLK_TCK = 2;

    private final LibC libc = LibC.load();
    private final long microsPerTick = 1_000_000 / Math.max(1, libc.sysconf(SC_CLK_TCK));

    /** The process now, or empty when it is gone or a zombie (a zombie has left its cgroup). */
    Optional<Sample> sample(long pid) {
        String stat;
        String status;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        } catch (IOException e) {
            return Optional.empty();
        }
        // the command name in parentheses may hold spaces; fields after it are fixed
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (f[0].equals("Z") || f[0].equals("X")) {
            return Optional.empty();
        }
        long rssKb = 0;
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return Optional.of(new Sample(pid, Long.parseLong(f[19]), rssKb * 1024, Long.parseLong(f[11]) * microsPerTick,
                Long.parseLong(f[12]) * microsPerTick));
    }

    /** Children of every thread of {@code pid} ({@code /proc/<pid>/task/<tid>/children}), else through the JDK's scan. */
    List<Long> children(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        List<Long> children = new ArrayList<>();
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                for (String child : Files.readString(thread.resolve("children")).trim().split("\\s+")) {
                    if (!child.isEmpty()) {
                        children.add(Long.parseLong(child));
                    }
                }
            }
        } catch (NoSuchFileException e) {
            if (Files.exists(tasks)) { // a kernel without CONFIG_PROC_CHILDREN
                ProcessHandle.of(pid).ifPresent(p -> p.children().forEach(c -> children.add(c.pid())));
            }
        } catch (IOException e) {
            // the process exited meanwhile: no children to adopt
        }
        return children;
    }

    /** Sends {@code signal}; false when the process is already gone. */
    boolean signal(long pid, int signal) {
        return libc.kill((int) pid, signal) == 0;
    }
}
