package io.keelson.agentcgroup.core.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which cgroup hierarchy this host offers, read from {@code /proc/self/mountinfo}:
 * <ul>
 *   <li>{@link V2}: a cgroup2 mount whose {@code cgroup.controllers} lists {@code memory} (full control);</li>
 *   <li>{@link V1Memory}: a v1 {@code memory} hierarchy, with the cgroup2 mount (if any) for freeze, kill and
 *   CPU time (a "hybrid" host, such as this build machine, where cgroup2 has no memory controller);</li>
 *   <li>{@link None}: neither, with the reason.</li>
 * </ul>
 */
public sealed interface CgroupLayout {

    record V2(Path root, Set<String> controllers) implements CgroupLayout {
    }

    /** @param cpuRoot the v1 {@code cpu} hierarchy, where session weights go ({@code cpu.shares}) */
    record V1Memory(Path memoryRoot, Optional<Path> unified, Optional<Path> cpuRoot) implements CgroupLayout {
        public V1Memory(Path memoryRoot, Optional<Path> unified) {
            this(memoryRoot, unified, Optional.empty());
        }
    }

    record None(String reason) implements CgroupLayout {
    }

    static CgroupLayout probe() {
        return probe(Path.of("/proc/self/mountinfo"));
    }

    static CgroupLayout probe(Path mountinfo) {
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo);
        } catch (IOException e) {
            return new None("cannot read " + mountinfo + ": " + e.getMessage());
        }
        Optional<Path> unified = Optional.empty();
        Optional<Path> memory = Optional.empty();
        Optional<Path> cpu = Optional.empty();
        for (String line : lines) {
            int dash = line.indexOf(" - ");
            String[] head = line.substring(0, Math.max(dash, 0)).split(" ");
            String[] tail = dash < 0 ? new String[0] : line.substring(dash + 3).split(" ");
            if (head.length < 5 || tail.length < 3) {
                continue;
            }
            Path mountPoint = Path.of(head[4].replace("\\040", " "));
            if (tail[0].equals("cgroup2")) {
                unified = Optional.of(mountPoint);
            } else if (tail[0].equals("cgroup") && List.of(tail[2].split(",")).contains("memory")) {
                memory = Optional.of(mountPoint);
            } else if (tail[0].equals("cgroup") && List.of(tail[2].split(",")).contains("cpu")) {
                cpu = Optional.of(mountPoint);
            }
        }
        if (unified.isPresent()) {
            Set<String> controllers = controllers(unified.get());
            if (controllers.contains("memory")) {
                return new V2(unified.get(), controllers);
            }
        }
        if (memory.isPresent()) {
            return new V1Memory(memory.get(), unified, cpu);
        }
        return new None(unified.isPresent() ? "cgroup2 at " + unified.get() + " has no memory controller and no v1 memory hierarchy is mounted"
                : "no cgroup2 and no v1 memory hierarchy is mounted");
    }

    private static Set<String> controllers(Path root) {
        try {
            return Set.of(Files.readString(root.resolve("cgroup.controllers")).trim().split("\\s+"));
        } catch (IOException e) {
            return Set.of();
        }
    }
}
