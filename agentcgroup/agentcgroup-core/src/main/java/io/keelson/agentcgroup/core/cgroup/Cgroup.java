package io.keelson.agentcgroup.core.cgroup;

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

    private final CgroupFs fs;
    private final String path;
    private final Path memory;
    private final boolean memoryV1;
    private final Optional<Path> unified;
    private final Optional<Path> cpuV1;
    private final boolean cpuV2;

    Cgroup(CgroupFs fs, String path, Path memory, boolean memoryV1, Optional<Path> unified, Optional<Path> cpuV1, boolean cpuV2) {
        this.fs = fs;
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
            return java.util.OptionalInt.of((int) fs.readLong(unified.get().resolve("cpu.weight")));
        }
        return cpuV1.map(c -> java.util.OptionalInt.of((int) (fs.readLong(c.resolve("cpu.shares")) * 100 / 1024)))
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
            fs.write(unified.get().resolve("cpu.weight"), Integer.toString(weight));
            return true;
        }
        if (cpuV1.isPresent()) {
            fs.write(cpuV1.get().resolve("cpu.shares"), Integer.toString(Math.max(2, weight * 1024 / 100)));
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
            boolean swapAccounting = fs.exists(memsw);
            boolean raising = swapAccounting && bytes > fs.readLong(memsw);
            if (raising) {
                fs.write(memsw, Long.toString(bytes));
            }
            fs.write(memory.resolve("memory.limit_in_bytes"), Long.toString(bytes));
            if (swapAccounting && !raising) {
                fs.write(memsw, Long.toString(bytes));
            }
        } else {
            fs.write(memory.resolve("memory.max"), Long.toString(bytes));
            Path swap = memory.resolve("memory.swap.max");
            if (fs.exists(swap)) {
                fs.write(swap, "0");
            }
        }
    }

    /** Lifts the group's limits (v1: -1, memory+swap first; v2: {@code max} for memory.max and memory.high). */
    public void unlimitMemory() {
        if (memoryV1) {
            Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
            if (fs.exists(memsw)) {
                fs.write(memsw, "-1");
            }
            fs.write(memory.resolve("memory.limit_in_bytes"), "-1");
        } else {
            fs.write(memory.resolve("memory.max"), "max");
            fs.write(memory.resolve("memory.high"), "max");
        }
    }

    /**
     * The throttling limit ({@code memory.high}): above it the kernel reclaims and slows the group's allocations
     * rather than killing. Cgroup v1 has no such limit; see {@link Cgroups#hasMemoryHigh()}.
     */
    public void limitMemoryHigh(long bytes) {
        if (memoryV1) {
            throw new CgroupException("cgroup v1 has no memory.high for " + path + " (it needs the cgroup v2 memory controller)");
        }
        fs.write(memory.resolve("memory.high"), bytes == Long.MAX_VALUE ? "max" : Long.toString(bytes));
    }

    /** The hard limit in force ({@link Long#MAX_VALUE} for none; v1 reports a huge page-aligned number for none). */
    public long memoryMax() {
        long max = fs.readLong(memory.resolve(memoryV1 ? "memory.limit_in_bytes" : "memory.max"));
        return memoryV1 && max >= (Long.MAX_VALUE & ~0xFFFL) ? Long.MAX_VALUE : max;
    }

    /** The memory.high in force ({@link Long#MAX_VALUE} for none, and always on v1). */
    public long memoryHigh() {
        return memoryV1 ? Long.MAX_VALUE : fs.readLong(memory.resolve("memory.high"));
    }

    /** Memory pressure (PSI) of the group's tasks, from cgroup2 where the kernel keeps it (also on a hybrid host). */
    public Optional<Pressure> memoryPressure() {
        return unified.map(u -> u.resolve("memory.pressure")).filter(fs::exists).map(f -> Pressure.parse(fs.read(f), f.toString()));
    }

    public long memoryCurrent() {
        return fs.readLong(memory.resolve(memoryV1 ? "memory.usage_in_bytes" : "memory.current"));
    }

    /** The high-water mark of the group's memory ({@code memory.peak} needs Linux 5.19 on v2). */
    public OptionalLong memoryPeak() {
        Path file = memory.resolve(memoryV1 ? "memory.max_usage_in_bytes" : "memory.peak");
        return fs.exists(file) ? OptionalLong.of(fs.readLong(file)) : OptionalLong.empty();
    }

    /** Processes the kernel OOM-killed in this group. */
    public long oomKills() {
        return fs.keyed(memory.resolve(memoryV1 ? "memory.oom_control" : "memory.events"), "oom_kill").orElse(0);
    }

    /** CPU time of the group's processes, from cgroup2's {@code cpu.stat} (present without the cpu controller). */
    public Optional<Duration> cpuTime() {
        return unified.flatMap(u -> {
            OptionalLong usec = fs.keyed(u.resolve("cpu.stat"), "usage_usec");
            return usec.isPresent() ? Optional.of(Duration.ofNanos(usec.getAsLong() * 1_000)) : Optional.empty();
        });
    }

    public boolean canFreeze() {
        return unified.map(u -> fs.exists(u.resolve("cgroup.freeze"))).orElse(false);
    }

    public void freeze(boolean frozen) {
        Path file = unified.map(u -> u.resolve("cgroup.freeze")).filter(fs::exists)
                .orElseThrow(() -> new CgroupException("cgroup.freeze is not available for " + path));
        fs.write(file, frozen ? "1" : "0");
    }

    /** Pids in the group now. */
    public List<Long> pids() {
        return pids(memory);
    }

    private List<Long> pids(Path dir) {
        List<Long> pids = new ArrayList<>();
        for (String line : fs.read(dir.resolve("cgroup.procs")).split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.trim()));
            }
        }
        return pids;
    }

    /** Pids in the group and every group below it (a child group removed meanwhile, a call ending, holds none). */
    public List<Long> allPids() {
        List<Long> all = new ArrayList<>();
        for (Path dir : fs.subtree(memory)) {
            try {
                all.addAll(pids(dir));
            } catch (CgroupException e) {
                if (fs.exists(dir)) {
                    throw e;
                }
            }
        }
        return all;
    }

    /** Whether any process runs in the group or below it. */
    public boolean populated() {
        Optional<Path> events = unified.map(u -> u.resolve("cgroup.events")).filter(fs::exists);
        if (events.isPresent()) {
            return fs.keyed(events.get(), "populated").orElse(0) > 0;
        }
        return !allPids().isEmpty();
    }

    /** SIGKILLs every process in the group and below: {@code cgroup.kill} where the kernel has it, else each pid. */
    public void kill() {
        Optional<Path> killFile = unified.map(u -> u.resolve("cgroup.kill")).filter(fs::exists);
        if (killFile.isPresent()) {
            fs.write(killFile.get(), "1");
        }
        for (long pid : allPids()) { // v1, or a process that slipped in between
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Kills what is left inside and removes the group's directories (children must be removed first). */
    public void remove() {
        if (fs.exists(memory)) {
            kill();
            waitEmpty();
            fs.rmdir(memory);
        }
        unified.filter(u -> !u.equals(memory) && fs.exists(u)).ifPresent(fs::rmdir);
        cpuV1.filter(fs::exists).ifPresent(fs::rmdir);
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
