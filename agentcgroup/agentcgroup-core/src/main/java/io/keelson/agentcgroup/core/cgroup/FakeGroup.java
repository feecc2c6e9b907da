package io.keelson.agentcgroup.core.cgroup;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** One group of the fake cgroupfs: its settings, its member processes and what the simulated kernel counted. */
final class FakeGroup {

    final Path dir;
    final Optional<FakeGroup> parent;
    final Map<String, FakeGroup> children = new LinkedHashMap<>();
    /** pid → start time, so a reused pid is never mistaken for a member. */
    final Map<Long, Long> members = new LinkedHashMap<>();

    boolean freeze;
    long max = Long.MAX_VALUE;
    long high = Long.MAX_VALUE;
    /** Stopped for some ticks of each cycle while over {@link #high}, as reclaim throttling slows a real group. */
    boolean throttled;
    int throttleCycle;

    long current;
    long peak;
    long eventsHigh;
    long eventsMax;
    long eventsOom;
    long eventsOomKill;
    long userMicros;
    long systemMicros;
    /** Emulated PSI: members stopped for throttling are stalled on memory (all of them at once: some = full). */
    long stallMicros;
    double stallAvg10;

    FakeGroup(Path dir, Optional<FakeGroup> parent) {
        this.dir = dir;
        this.parent = parent;
    }

    boolean frozen() {
        return freeze || parent.map(FakeGroup::frozen).orElse(false);
    }

    boolean throttledHere() {
        return throttled || parent.map(FakeGroup::throttledHere).orElse(false);
    }

    boolean populated() {
        return !members.isEmpty() || children.values().stream().anyMatch(FakeGroup::populated);
    }

    /** This group and every group below it, parents before children. */
    void forEachInSubtree(Consumer<FakeGroup> action) {
        action.accept(this);
        children.values().forEach(c -> c.forEachInSubtree(action));
    }

    /** Adds CPU time here and in every ancestor: a group's {@code cpu.stat} includes its descendants', even removed ones. */
    void chargeCpu(long user, long system) {
        userMicros += user;
        systemMicros += system;
        parent.ifPresent(p -> p.chargeCpu(user, system));
    }

    String file(String name) {
        return switch (name) {
            case "cgroup.procs" -> String.join("\n", members.keySet().stream().map(String::valueOf).toList());
            case "cgroup.events" -> "populated " + (populated() ? 1 : 0) + "\nfrozen " + (frozen() ? 1 : 0);
            case "cgroup.freeze" -> freeze ? "1" : "0";
            case "memory.current" -> Long.toString(current);
            case "memory.peak" -> Long.toString(peak);
            case "memory.max" -> limit(max);
            case "memory.high" -> limit(high);
            case "memory.events" -> "low 0\nhigh " + eventsHigh + "\nmax " + eventsMax + "\noom " + eventsOom + "\noom_kill " + eventsOomKill;
            case "memory.pressure" -> {
                String figures = String.format(java.util.Locale.ROOT, "avg10=%.2f avg60=%.2f avg300=%.2f total=%d", stallAvg10 * 100,
                        stallAvg10 * 100, stallAvg10 * 100, stallMicros);
                yield "some " + figures + "\nfull " + figures;
            }
            case "cpu.stat" -> "usage_usec " + (userMicros + systemMicros) + "\nuser_usec " + userMicros + "\nsystem_usec " + systemMicros;
            default -> throw new CgroupException(dir.resolve(name) + " cannot be read");
        };
    }

    private static String limit(long bytes) {
        return bytes == Long.MAX_VALUE ? "max" : Long.toString(bytes);
    }
}
