package io.keelson.agentcgroup.core.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One control group, which on a hybrid host spans two hierarchies: the memory controller's (v1 or v2) and,
 * where present, cgroup2 for freeze, kill and CPU time. Every method names the file it failed on.
 */
public final class Cgroup {

    private final String path;
    private final Path memory;
    private final boolean memoryV1;
    private final Optional<Path> unified;
    private final Optional<Path> cpuV1;
    private final boolean cpuV2;

    Cgroup(String path, Path memory, boolean memoryV1, Optional<Path> unified, Optional<Path> cpuV1, boolean cpuV2) {
        this.path = path;
        this.memory = memory;
        this.memoryV1 = memoryV1;
        this.unified = unified;
        this.cpuV1 = cpuV1;
        this.cpuV2 = cpuV2;
    }

    /** The group's CPU weight as the kernel holds it (v1 shares converted back), where a cpu controller is present. */
    public java.util.OptionalInt cpuWeight() {
        if (cpuV2 && unified.isPresent()) {
            return java.util.OptionalInt.of((int) CgroupFiles.readLong(unified.get().resolve("cpu.weight")));
        }
        return cpuV1.map(c -> java.util.OptionalInt.of((int) (CgroupFiles.readLong(c.resolve("cpu.shares")) * 100 / 1024)))
                .orElse(java.util.OptionalInt.empty());
    }

    /**
     * The group's CPU weight (1..10000, 100 = default): {@code cpu.weight} on cgroup v2, {@code cpu.shares}
     * (weight × 1024 / 100) on a v1 cpu hierarchy. Returns false where neither is available.
     */
    public boolean setCpuWeight(int weight) {
        if (weight < 1 || weight > 10_000) {
            throw new IllegalArgumentException("cpu weight must be 1..10000, was " + weight);
        }
        if (cpuV2 && unified.isPresent()) {
            CgroupFiles.write(unified.get().resolve("cpu.weight"), Integer.toString(weight));
            return true;
        }
        if (cpuV1.isPresent()) {
            CgroupFiles.write(cpuV1.get().resolve("cpu.shares"), Integer.toString(Math.max(2, weight * 1024 / 100)));
            return true;
        }
        return false;
    }

    /** The group's path below the Keelson root, e.g. {@code session-a/call-7}. */
    public String path() {
        return path;
    }

    /** The {@code cgroup.procs} files a process writes itself into to join this group (in every hierarchy). */
    public List<Path> procsFiles() {
        List<Path> files = new ArrayList<>();
        files.add(memory.resolve("cgroup.procs"));
        unified.filter(u -> !u.equals(memory)).ifPresent(u -> files.add(u.resolve("cgroup.procs")));
        cpuV1.ifPresent(c -> files.add(c.resolve("cgroup.procs")));
        return files;
    }

    /** A hard limit: the kernel reclaims, then OOM-kills inside the group (swap counted too where the kernel allows). */
    public void limitMemory(long bytes) {
        if (memoryV1) {
            // memory+swap may never be below memory: raise it first, lower it last
            Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
            boolean swapAccounting = Files.exists(memsw);
            boolean raising = swapAccounting && bytes > CgroupFiles.readLong(memsw);
            if (raising) {
                CgroupFiles.write(memsw, Long.toString(bytes));
            }
            CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), Long.toString(bytes));
            if (swapAccounting && !raising) {
                CgroupFiles.write(memsw, Long.toString(bytes));
            }
        } else {
            CgroupFiles.write(memory.resolve("memory.max"), Long.toString(bytes));
            Path swap = memory.resolve("memory.swap.max");
            if (Files.exists(swap)) {
                CgroupFiles.write(swap, "0");
            }
        }
    }

    public long memoryCurrent() {
        return CgroupFiles.readLong(memory.resolve(memoryV1 ? "memory.usage_in_bytes" : "memory.current"));
    }

    /** The high-water mark of the group's memory ({@code memory.peak} needs Linux 5.19 on v2). */
    public OptionalLong memoryPeak() {
        Path file = memory.resolve(memoryV1 ? "memory.max_usage_in_bytes" : "memory.peak");
        return Files.exists(file) ? OptionalLong.of(CgroupFiles.readLong(file)) : OptionalLong.empty();
    }

    /** Processes the kernel OOM-killed in this group. */
    public long oomKills() {
        return CgroupFiles.keyed(memory.resolve(memoryV1 ? "memory.oom_control" : "memory.events"), "oom_kill").orElse(0);
    }

    /** CPU time of the group's processes, from cgroup2's {@code cpu.stat} (present without the cpu controller). */
    public Optional<Duration> cpuTime() {
        return unified.flatMap(u -> {
            OptionalLong usec = CgroupFiles.keyed(u.resolve("cpu.stat"), "usage_usec");
            return usec.isPresent() ? Optional.of(Duration.ofNanos(usec.getAsLong() * 1_000)) : Optional.empty();
        });
    }

    public boolean canFreeze() {
        return unified.map(u -> Files.exists(u.resolve("cgroup.freeze"))).orElse(false);
    }

    public void freeze(boolean frozen) {
        Path file = unified.map(u -> u.resolve("cgroup.freeze")).filter(Files::exists)
                .orElseThrow(() -> new CgroupException("cgroup.freeze is not available for " + path));
        CgroupFiles.write(file, frozen ? "1" : "0");
    }

    /** Pids in the group now. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (String line : CgroupFiles.read(memory.resolve("cgroup.procs")).split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.trim()));
            }
        }
        return pids;
    }

    /** Pids in the group and every group below it. */
    public List<Long> allPids() {
        List<Long> all = new ArrayList<>();
        try (java.util.stream.Stream<Path> dirs = Files.walk(memory)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                for (String line : CgroupFiles.read(dir.resolve("cgroup.procs")).split("\n")) {
                    if (!line.isBlank()) {
                        all.add(Long.parseLong(line.trim()));
                    }
                }
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new CgroupException("cannot list " + memory + ": " + e.getMessage(), e);
        }
        return all;
    }

    /** Whether any process runs in the group or below it. */
    public boolean populated() {
        Optional<Path> events = unified.map(u -> u.resolve("cgroup.events")).filter(Files::exists);
        if (events.isPresent()) {
            return CgroupFiles.keyed(events.get(), "populated").orElse(0) > 0;
        }
        return !allPids().isEmpty();
    }

    /** SIGKILLs every process in the group and below: {@code cgroup.kill} where the kernel has it, else each pid. */
    public void kill() {
        Optional<Path> killFile = unified.map(u -> u.resolve("cgroup.kill")).filter(Files::exists);
        if (killFile.isPresent()) {
            CgroupFiles.write(killFile.get(), "1");
        }
        for (long pid : allPids()) { // v1, or a process that slipped in between
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Kills what is left inside and removes the group's directories (children must be removed first). */
    public void remove() {
        if (Files.exists(memory)) {
            kill();
            waitEmpty();
            CgroupFiles.rmdir(memory);
        }
        unified.filter(u -> !u.equals(memory) && Files.exists(u)).ifPresent(CgroupFiles::rmdir);
        cpuV1.filter(Files::exists).ifPresent(CgroupFiles::rmdir);
    }

    private void waitEmpty() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!pids().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return path + " (" + memory + unified.filter(u -> !u.equals(memory)).map(u -> ", " + u).orElse("") + ")";
    }
}
