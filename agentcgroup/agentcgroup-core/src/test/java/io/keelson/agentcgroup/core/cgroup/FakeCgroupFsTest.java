package io.keelson.agentcgroup.core.cgroup;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The emulated backend's kernel semantics, on real processes: joining by writing {@code cgroup.procs}, children
 * following their parent, freeze and thaw, memory.max OOM kills, memory.high throttling, CPU time that outlives
 * removed groups, refusals the kernel would give, and recovery of members after the service died. Runs as any user.
 */
class FakeCgroupFsTest {

    @TempDir
    Path dir;
    private FakeCgroupFs fs;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void tearDown() {
        started.forEach(Process::destroyForcibly);
        if (fs != null) {
            fs.close();
        }
    }

    private Path group(String name) {
        Path g = fs.root().resolve(name);
        fs.mkdirs(g);
        return g;
    }

    private Process startIn(Path group, String script) throws IOException {
        Process p = new ProcessBuilder("/bin/sh", "-c", "echo $$ > \"$0\"; exec sh -c \"$1\"", group.resolve("cgroup.procs").toString(), script)
                .redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    private static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    @Test
    void aProcessJoinsByWritingItsPidAndItsChildrenFollowIt() throws Exception {
        fs = FakeCgroupFs.open(dir, Duration.ofMillis(10));
        Path call = group("session-a/call-1");
        Process p = startIn(call, "sleep 30 & sleep 30");
        await("both sleeps are members", () -> fs.read(call.resolve("cgroup.procs")).split("\n").length >= 3);
        assertThat(fs.read(call.resolve("cgroup.procs"))).contains(Long.toString(p.pid()));
        assertThat(fs.keyed(fs.root().resolve("session-a/cgroup.events"), "populated")).hasValue(1);
        assertThat(fs.readLong(fs.root().resolve("session-a/memory.current"))).isPositive(); // the session counts its calls

        fs.write(call.resolve("cgroup.kill"), "1");
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        await("the group empties", () -> fs.read(call.resolve("cgroup.procs")).isEmpty());
        fs.rmdir(call);
        assertThat(fs.exists(call)).isFalse();
        assertThat(Files.exists(call)).isFalse();
    }

    @Test
    void freezingStopsEveryMemberAndThawingResumesThem() throws Exception {
        fs = FakeCgroupFs.open(dir, Duration.ofMillis(10));
        Path session = group("s");
        Path call = group("s/call");
        Process p = startIn(call, "while :; do :; done");
        await("the loop is a member", () -> fs.read(call.resolve("cgroup.procs")).contains(Long.toString(p.pid())));

        fs.write(session.resolve("cgroup.freeze"), "1"); // freezing is hierarchical
        await("the loop is stopped", () -> state(p.pid()) == 'T');
        assertThat(fs.keyed(call.resolve("cgroup.events"), "frozen")).hasValue(1);
        long cpuFrozen = fs.keyed(call.resolve("cpu.stat"), "usage_usec").orElseThrow();
        Thread.sleep(200);
        assertThat(fs.keyed(call.resolve("cpu.stat"), "usage_usec").orElseThrow()).isLessThan(cpuFrozen + 30_000);

        fs.write(session.resolve("cgroup.freeze"), "0");
        await("the loop runs again", () -> state(p.pid()) == 'R' || state(p.pid()) == 'S');
        assertThat(fs.keyed(call.resolve("cgroup.events"), "frozen")).hasValue(0);
    }

    @Test
    void aGroupOverMemoryMaxLosesItsLargestProcessAndCountsTheOomKill() throws Exception {
        fs = FakeCgroupFs.open(dir, Duration.ofMillis(10));
        Path call = group("s/hog");
        fs.write(call.resolve("memory.max"), Long.toString(32L << 20));
        Process p = startIn(call, "{ head -c 200000000 /dev/zero; sleep 5; } | tail > /dev/null");
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        await("the OOM kill is counted", () -> fs.keyed(call.resolve("memory.events"), "oom_kill").orElse(0) >= 1);
        assertThat(p.exitValue()).isNotZero(); // tail died, so the pipeline failed
        assertThat(fs.keyed(call.resolve("memory.events"), "max").orElseThrow()).isPositive();
        assertThat(fs.readLong(call.resolve("memory.peak"))).isGreaterThan(32L << 20); // seen before the kill: it acts between ticks
    }

    @Test
    void aGroupOverMemoryHighIsThrottledNotKilled() throws Exception {
        fs = FakeCgroupFs.open(dir, Duration.ofMillis(10));
        Path call = group("s/high");
        fs.write(call.resolve("memory.high"), Long.toString(16L << 20));
        Process p = startIn(call, "{ head -c 64000000 /dev/zero; sleep 0.5; } | tail > /dev/null");
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(fs.keyed(call.resolve("memory.events"), "high").orElseThrow()).isPositive();
        assertThat(fs.keyed(call.resolve("memory.events"), "oom_kill")).hasValue(0);
    }

    @Test
    void cpuTimeStaysWithTheParentAfterTheChildGroupIsRemoved() throws Exception {
        fs = FakeCgroupFs.open(dir, Duration.ofMillis(10));
        Path session = group("s");
        Path call = group("s/busy");
        Process p = startIn(call, "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done");
        // sampled while it runs: the kernel sees a process's CPU time only while it is alive
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await("the group empties", () -> fs.read(call.resolve("cgroup.procs")).isEmpty());
        long usage = fs.keyed(call.resolve("cpu.stat"), "usage_usec").orElseThrow();
        assertThat(usage).isGreaterThan(50_000);
        fs.rmdir(call);
        assertThat(fs.keyed(session.resolve("cpu.stat"), "usage_usec").orElseThrow()).isGreaterThanOrEqualTo(usage);
    }

    @Test
    void refusesWhatTheKernelRefuses() throws Exception {
        fs = FakeCgroupFs.open(dir, Duration.ofMillis(10));
        Path session = group("s");
        Path call = group("s/c");
        assertThatThrownBy(() -> fs.write(call.resolve("memory.max"), "lots")).hasMessageContaining("Invalid argument").hasMessageContaining("memory.max");
        assertThatThrownBy(() -> fs.write(call.resolve("memory.max"), "-1")).hasMessageContaining("Invalid argument");
        assertThatThrownBy(() -> fs.write(call.resolve("cgroup.freeze"), "2")).hasMessageContaining("Invalid argument");
        assertThatThrownBy(() -> fs.write(call.resolve("memory.current"), "1")).hasMessageContaining("memory.current");
        assertThatThrownBy(() -> fs.read(call.resolve("memory.bogus"))).hasMessageContaining("No such file");
        assertThatThrownBy(() -> fs.write(call.resolve("cgroup.procs"), "999999999")).hasMessageContaining("No such process");
        assertThatThrownBy(() -> fs.mkdirs(dir.getParent().resolve("elsewhere"))).hasMessageContaining("outside the fake cgroupfs");
        assertThatThrownBy(() -> fs.rmdir(session)).hasMessageContaining("busy"); // it has a child

        startIn(call, "sleep 30");
        await("the sleep is a member", () -> !fs.read(call.resolve("cgroup.procs")).isEmpty());
        assertThatThrownBy(() -> fs.rmdir(call)).hasMessageContaining("busy"); // it has a process
        assertThat(fs.readLong(call.resolve("memory.max"))).isEqualTo(Long.MAX_VALUE);
        assertThat(fs.exists(call.resolve("cgroup.kill"))).isTrue();
        assertThat(fs.exists(call.resolve("memory.swap.max"))).isFalse();
    }

    @Test
    void aRestartedServiceFindsTheProcessesItsPredecessorLeftAndNoOthers() throws Exception {
        fs = FakeCgroupFs.open(dir, Duration.ofMillis(10));
        Path call = group("session-x/call-1");
        Process p = startIn(call, "sleep 30");
        await("the sleep is a member", () -> fs.read(call.resolve("cgroup.procs")).contains(Long.toString(p.pid())));
        fs.close(); // the service died; its tree and the process remain
        Path stale = Files.createDirectories(dir.resolve("session-y"));
        Files.writeString(stale.resolve("keelson.members"), ProcessHandle.current().pid() + " 1\n"); // a reused pid: wrong start time

        fs = FakeCgroupFs.open(dir, Duration.ofMillis(10));
        // the call's process and whatever it forked (sh -c may fork its command rather than exec it), nothing else
        java.util.Set<String> family = new java.util.HashSet<>();
        family.add(Long.toString(p.pid()));
        p.descendants().forEach(d -> family.add(Long.toString(d.pid())));
        assertThat(fs.read(call.resolve("cgroup.procs")).lines()).contains(Long.toString(p.pid())).allSatisfy(pid -> assertThat(family).contains(pid));
        assertThat(fs.read(stale.resolve("cgroup.procs"))).isEmpty();
        fs.write(call.resolve("cgroup.kill"), "1");
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    }
}
