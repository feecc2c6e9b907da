package io.keelson.agentcgroup.core.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A cgroup v2 tree kept by a {@link SimulatedKernel} instead of the host's: the backend where no writable memory
 * controller exists (a laptop, an unprivileged container, a non-root test run). Groups are real directories so a
 * process can join one the way it joins a kernel group, by writing its pid into the group's {@code cgroup.procs}
 * (the simulated kernel picks the pid up at its next tick or read); every other interface file is answered from
 * the kernel's state. Each group's members are also kept on disk with their start times, so a service restarted
 * after a crash finds, and can reap, the processes its predecessor left, and never mistakes a reused pid for one.
 */
public final class FakeCgroupFs implements CgroupFs {

    private static final Logger LOG = Logger.getLogger(FakeCgroupFs.class.getName());
    private static final String INBOX = "cgroup.procs";
    private static final String MEMBERS = "keelson.members";
    private static final Set<String> FILES = Set.of("cgroup.procs", "cgroup.events", "cgroup.freeze", "cgroup.kill", "memory.current",
            "memory.peak", "memory.max", "memory.high", "memory.events", "memory.pressure", "cpu.stat");

    private final Path root;
    private final SimulatedKernel kernel;
    private final Map<Path, FakeGroup> groups = new HashMap<>();
    private final Map<Path, String> persisted = new HashMap<>();
    private final ScheduledExecutorService ticker;
    private boolean closed; // guarded by this

    private FakeCgroupFs(Path root, SimulatedKernel kernel, Duration tick) {
        this.root = root;
        this.kernel = kernel;
        groups.put(root, new FakeGroup(root, Optional.empty()));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulated-kernel");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tickSafely, tick.toNanos(), tick.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Opens (or recovers) the fake tree at {@code root} and starts its kernel, ticking every {@code tick}. Groups
     * found on disk are recreated, with those of their recorded members that still run.
     */
    public static FakeCgroupFs open(Path root, Duration tick) {
        Path dir = root.toAbsolutePath().normalize();
        FakeCgroupFs fs;
        try {
            Files.createDirectories(dir);
            fs = new FakeCgroupFs(dir, new SimulatedKernel(new HostProcesses()), tick);
        } catch (IOException e) {
            throw new CgroupException("cannot create the fake cgroupfs at " + dir + ": " + e.getMessage(), e);
        }
        fs.recover();
        return fs;
    }

    public Path root() {
        return root;
    }

    @Override
    public synchronized void mkdirs(Path dir) {
        Path d = inside(dir);
        if (groups.containsKey(d)) {
            return;
        }
        mkdirs(d.getParent());
        try {
            Files.createDirectories(d);
            if (!Files.exists(d.resolve(INBOX))) {
                Files.createFile(d.resolve(INBOX));
            }
        } catch (IOException e) {
            throw new CgroupException("cannot create cgroup " + d + ": " + e.getMessage(), e);
        }
        FakeGroup parent = groups.get(d.getParent());
        FakeGroup group = new FakeGroup(d, Optional.of(parent));
        parent.children.put(d.getFileName().toString(), group);
        groups.put(d, group);
    }

    @Override
    public synchronized void rmdir(Path dir) {
        Path d = inside(dir);
        FakeGroup group = groups.get(d);
        if (group == null) {
            return;
        }
        if (d.equals(root)) {
            throw new CgroupException("cannot remove cgroup " + d + ": it is the root");
        }
        ingest(group);
        kernel.prune(group);
        if (!group.children.isEmpty() || !group.members.isEmpty()) {
            throw new CgroupException("cannot remove cgroup " + d + ": Device or resource busy");
        }
        try {
            Files.deleteIfExists(d.resolve(INBOX));
            Files.deleteIfExists(d.resolve(MEMBERS));
            Files.deleteIfExists(d);
        } catch (IOException e) {
            throw new CgroupException("cannot remove cgroup " + d + ": " + e.getMessage(), e);
        }
        group.parent.orElseThrow().children.remove(d.getFileName().toString());
        groups.remove(d);
        persisted.remove(d);
    }

    @Override
    public synchronized String read(Path file) {
        FakeGroup group = groupOf(file);
        if (file.getFileName().toString().equals("cgroup.procs")) {
            ingest(group);
            kernel.prune(group);
            persist(group);
        }
        return group.file(file.getFileName().toString());
    }

    @Override
    public synchronized void write(Path file, String value) {
        FakeGroup group = groupOf(file);
        String v = value.trim();
        switch (file.getFileName().toString()) {
            case "cgroup.procs" -> {
                kernel.join(group, parse(file, v, false));
                persistAll();
            }
            case "cgroup.freeze" -> {
                group.freeze = parse(file, v, false) == 1;
                kernel.reconcile(group);
            }
            case "cgroup.kill" -> {
                if (!v.equals("1")) {
                    throw invalid(file, v);
                }
                kernel.kill(group);
            }
            case "memory.max" -> {
                group.max = parse(file, v, true);
                kernel.tick(groups.get(root)); // lowering the limit reclaims (here: OOM-kills) at once
            }
            case "memory.high" -> group.high = parse(file, v, true);
            default -> throw new CgroupException("cannot write '" + value + "' to " + file + ": Invalid argument (read-only or unknown)");
        }
    }

    @Override
    public synchronized boolean exists(Path fileOrGroup) {
        Path p = fileOrGroup.toAbsolutePath().normalize();
        return groups.containsKey(p) || groups.containsKey(p.getParent()) && FILES.contains(p.getFileName().toString());
    }

    @Override
    public synchronized List<Path> subtree(Path dir) {
        FakeGroup top = groups.get(dir.toAbsolutePath().normalize());
        if (top == null) {
            return List.of();
        }
        List<Path> dirs = new ArrayList<>();
        top.forEachInSubtree(g -> dirs.add(g.dir));
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return dirs;
    }

    /** Stops the kernel and resumes whatever it had stopped; members keep running, recorded for a later {@link #open}. */
    @Override
    public synchronized void close() {
        closed = true;
        ticker.shutdownNow();
        kernel.resumeAll();
        persistAll();
    }

    /** One kernel round: takes the pids written to the groups' inboxes, then accounts and enforces. */
    private synchronized void tick() {
        if (closed) {
            return; // a tick that was waiting for the lock while close() ran: the tree is no longer this kernel's
        }
        groups.values().forEach(this::ingest);
        kernel.tick(groups.get(root));
        persistAll();
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warning("simulated kernel tick: " + e);
        }
    }

    /** Takes the pids processes wrote into the group's {@code cgroup.procs} on disk. */
    private void ingest(FakeGroup group) {
        Path inbox = group.dir.resolve(INBOX);
        try {
            String text = Files.readString(inbox).trim();
            if (text.isEmpty()) {
                return;
            }
            // emptied only after something was read: a joiner writes once, before it execs its command
            Files.writeString(inbox, "");
            for (String line : text.split("\\s+")) {
                try {
                    kernel.join(group, Long.parseLong(line));
                } catch (NumberFormatException | CgroupException e) {
                    LOG.fine("ignoring '" + line + "' written to " + inbox + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.fine("cannot read " + inbox + ": " + e.getMessage());
        }
    }

    private void recover() {
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(root)) {
            dirs = walk.filter(Files::isDirectory).filter(d -> !d.equals(root)).sorted(Comparator.comparingInt(Path::getNameCount)).toList();
        } catch (IOException e) {
            throw new CgroupException("cannot list the fake cgroupfs at " + root + ": " + e.getMessage(), e);
        }
        for (Path d : dirs) {
            mkdirs(d);
            FakeGroup group = groups.get(d);
            try {
                if (Files.exists(d.resolve(MEMBERS))) {
                    for (String line : Files.readAllLines(d.resolve(MEMBERS))) {
                        String[] pidAndStart = line.trim().split(" ");
                        if (pidAndStart.length == 2) {
                            kernel.adopt(group, Long.parseLong(pidAndStart[0]), Long.parseLong(pidAndStart[1]));
                        }
                    }
                }
            } catch (IOException | NumberFormatException e) {
                LOG.warning("cannot recover the members of " + d + ": " + e.getMessage());
            }
            ingest(group);
        }
        persistAll();
    }

    private void persistAll() {
        groups.values().forEach(this::persist);
    }

    /** Writes the group's members with their start times when they changed (atomically: a crash leaves old or new). */
    private void persist(FakeGroup group) {
        if (group.dir.equals(root)) {
            return;
        }
        StringBuilder text = new StringBuilder();
        group.members.forEach((pid, start) -> text.append(pid).append(' ').append(start).append('\n'));
        if (text.toString().equals(persisted.getOrDefault(group.dir, ""))) {
            return;
        }
        try {
            Path tmp = group.dir.resolve(MEMBERS + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, group.dir.resolve(MEMBERS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            persisted.put(group.dir, text.toString());
        } catch (IOException e) {
            LOG.warning("cannot record the members of " + group.dir + ": " + e.getMessage());
        }
    }

    private FakeGroup groupOf(Path file) {
        Path f = file.toAbsolutePath().normalize();
        FakeGroup group = groups.get(f.getParent());
        if (group == null || !FILES.contains(f.getFileName().toString())) {
            throw new CgroupException("cannot access " + f + ": No such file or directory");
        }
        return group;
    }

    private Path inside(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (!d.startsWith(root)) {
            throw new CgroupException("cannot create cgroup " + d + ": outside the fake cgroupfs at " + root);
        }
        return d;
    }

    private static long parse(Path file, String value, boolean maxAllowed) {
        if (maxAllowed && value.equals("max")) {
            return Long.MAX_VALUE;
        }
        try {
            long n = Long.parseLong(value);
            if (n < 0 || !maxAllowed && file.getFileName().toString().equals("cgroup.freeze") && n > 1) {
                throw invalid(file, value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(file, value);
        }
    }

    private static CgroupException invalid(Path file, String value) {
        return new CgroupException("cannot write '" + value + "' to " + file + ": Invalid argument");
    }
}
