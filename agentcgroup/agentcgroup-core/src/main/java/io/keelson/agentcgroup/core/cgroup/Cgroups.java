package io.keelson.agentcgroup.core.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The cgroup tree Keelson owns: a directory named {@code root} below the memory hierarchy (and below cgroup2,
 * on a hybrid host), where sessions and their tool calls get groups. Chosen from the probed
 * {@link CgroupLayout}; the backend name is what every reply reports.
 */
public final class Cgroups implements AutoCloseable {

    private final CgroupFs fs;
    private final String backend;
    private final Path memoryRoot;
    private final boolean memoryV1;
    private final Optional<Path> unifiedRoot;
    private final Optional<Path> cpuV1Root;
    private final boolean cpuV2;

    private Cgroups(CgroupFs fs, String backend, Path memoryRoot, boolean memoryV1, Optional<Path> unifiedRoot, Optional<Path> cpuV1Root,
                    boolean cpuV2) {
        this.fs = fs;
        this.backend = backend;
        this.memoryRoot = memoryRoot;
        this.memoryV1 = memoryV1;
        this.unifiedRoot = unifiedRoot;
        this.cpuV1Root = cpuV1Root;
        this.cpuV2 = cpuV2;
    }

    /** The tree for {@code layout}, under a directory called {@code root}; empty when the layout has no memory controller. */
    public static Optional<Cgroups> of(CgroupLayout layout, String root) {
        if (layout instanceof CgroupLayout.V2 v2) {
            return Optional.of(new Cgroups(KernelCgroupFs.INSTANCE, "cgroup v2", v2.root().resolve(root), false, Optional.of(v2.root().resolve(root)),
                    Optional.empty(), v2.controllers().contains("cpu")));
        }
        if (layout instanceof CgroupLayout.V1Memory v1) {
            return Optional.of(new Cgroups(KernelCgroupFs.INSTANCE, v1.unified().isPresent() ? "cgroup v1 memory + cgroup2 freeze/kill" : "cgroup v1 memory",
                    v1.memoryRoot().resolve(root), true, v1.unified().map(u -> u.resolve(root)), v1.cpuRoot().map(c -> c.resolve(root)),
                    false));
        }
        return Optional.empty();
    }

    /**
     * The tree {@code root} in a fake cgroupfs, where a simulated kernel accounts and controls real processes: the
     * backend where the host gives no writable memory controller (a laptop, a container, a non-root test).
     */
    public static Cgroups emulated(FakeCgroupFs fs, String root) {
        Path dir = fs.root().resolve(root);
        return new Cgroups(fs, "emulated (fake cgroupfs + simulated kernel)", dir, false, Optional.of(dir), Optional.empty(), false);
    }

    /** Whether groups have {@code memory.high} (cgroup v2 and the emulated tree; v1 has no throttling limit). */
    public boolean hasMemoryHigh() {
        return !memoryV1;
    }

    /** Whether groups report memory pressure (PSI in cgroup2, which a hybrid host keeps too; emulated in the fake tree). */
    public boolean hasMemoryPressure() {
        return unifiedRoot.map(u -> fs.exists(u.getParent().resolve("memory.pressure"))).orElse(false);
    }

    /**
     * The host's memory pressure as the kernel keeps it in the cgroup2 hierarchy's root ({@code memory.pressure}
     * there covers every task, the sessions' included), for a PSI trigger; empty on the emulated tree, whose pressure
     * is only sampled, and without cgroup2. The root, not Keelson's own group: watching needs no directory that a
     * killed service would leave behind.
     */
    public Optional<Path> kernelPressureFile() {
        if (emulated()) {
            return Optional.empty();
        }
        return unifiedRoot.map(u -> u.getParent().resolve("memory.pressure")).filter(fs::exists);
    }

    /** Whether a simulated kernel, not the host's, serves this tree. */
    public boolean emulated() {
        return fs instanceof FakeCgroupFs;
    }

    public String backend() {
        return backend;
    }

    /** Creates (or adopts) the group at {@code path} below the root, e.g. {@code session-a/call-1}. */
    public Cgroup create(String path) {
        if (!path.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*") || path.contains("..")) {
            throw new IllegalArgumentException("cgroup path '" + path + "' must be names of letters, digits, '_', '.', '-'");
        }
        Cgroup group = group(path);
        fs.mkdirs(memoryRoot.resolve(path));
        if (unifiedRoot.isPresent() && !unifiedRoot.get().equals(memoryRoot)) {
            fs.mkdirs(unifiedRoot.get().resolve(path));
        }
        cpuV1Root.ifPresent(c -> fs.mkdirs(c.resolve(path)));
        return group;
    }

    private Cgroup group(String path) {
        return new Cgroup(fs, path, memoryRoot.resolve(path), memoryV1, unifiedRoot.map(u -> u.resolve(path)),
                cpuV1Root.map(c -> c.resolve(path)), cpuV2);
    }

    /** Removes every group and then the root itself (uninstalling; leaves nothing behind in the hierarchies). */
    public void removeAll() {
        leftovers().forEach(Cgroup::remove);
        fs.rmdir(memoryRoot);
        unifiedRoot.filter(u -> !u.equals(memoryRoot)).ifPresent(fs::rmdir);
        cpuV1Root.ifPresent(fs::rmdir);
    }

    /** Every group left under the root (deepest first), e.g. by a service killed mid-call. */
    public List<Cgroup> leftovers() {
        return fs.subtree(memoryRoot).stream().filter(d -> !d.equals(memoryRoot))
                .map(d -> group(memoryRoot.relativize(d).toString())).toList();
    }

    /** Stops the simulated kernel of an emulated tree, which owns its fake filesystem; nothing for the host's. */
    @Override
    public void close() {
        fs.close();
    }
}
