package io.keelson.agentcgroup.core.sandbox;

import io.keelson.agentcgroup.core.cgroup.Cgroup;
import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.sim.Priority;
import io.keelson.agentcgroup.core.testing.TestCgroups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Tool calls in cgroups, on each backend: the host kernel's (CI runs as root with a writable v1 memory hierarchy
 * and cgroup2 for freeze/kill; skipped, saying why, where the probe finds none writable) and the emulated one.
 */
class ToolCallRunnerTest {

    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));
    @TempDir
    Path scratch;
    private Cgroups cgroups;
    private ToolCallRunner runner;

    private void open(TestCgroups backend) {
        cgroups = backend.open("keelson-test", false, scratch);
        runner = new ToolCallRunner(cgroups);
    }

    @AfterEach
    void cleanUp() {
        if (cgroups != null) {
            cgroups.removeAll();
            cgroups.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestCgroups.class)
    void aCallRunsInItsOwnGroupWhichIsRemovedAfterwards(TestCgroups backend) {
        open(backend);
        runner.openSession("s1");
        // long enough for the emulated kernel, which samples every 10 ms, to see it
        ToolCallResult r = runner.run("s1", "1", List.of("sh", "-c", "cat /proc/self/cgroup; sleep 0.3; echo done; exit 3"),
                OptionalLong.empty(), Duration.ofSeconds(30), TMP);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.verdict()).isEqualTo(new ToolCallResult.Verdict.Completed(3));
        assertThat(r.output()).contains("done");
        if (backend == TestCgroups.KERNEL) {
            assertThat(r.output()).contains("/session-s1/call-1");
        }
        assertThat(r.peakBytes().orElse(0)).isPositive();
        assertThat(cgroups.leftovers()).extracting(Cgroup::path).containsExactly("session-s1");
    }

    @ParameterizedTest
    @EnumSource(TestCgroups.class)
    void aLowPrioritySessionsCommandAndItsChildrenAreTheKernelsFirstOomVictims(TestCgroups backend) {
        open(backend);
        runner.openSession("adj");
        StringBuilder streamed = new StringBuilder();
        ToolCallResult r = runner.run("adj", "1", List.of("sh", "-c", "cat /proc/self/oom_score_adj; sh -c 'cat /proc/self/oom_score_adj'"),
                OptionalLong.empty(), Duration.ofSeconds(30), TMP, Priority.LOW.oomScoreAdj(), chunk -> streamed.append(new String(chunk)));
        assertThat(r.verdict()).isEqualTo(new ToolCallResult.Verdict.Completed(0));
        assertThat(r.output().lines().toList()).containsExactly("500", "500");
        assertThat(streamed.toString()).isEqualTo(r.output());
    }

    @ParameterizedTest
    @EnumSource(TestCgroups.class)
    void sessionsCarryACpuWeightWhereTheHostHasACpuController(TestCgroups backend) {
        open(backend);
        Cgroup session = runner.openSession("w");
        boolean applied = session.setCpuWeight(150);
        if (!applied) {
            abort("no cpu controller for session weights on this host");
        }
        ToolCallResult r = runner.run("w", "1", List.of("sh", "-c", "cat /proc/self/cgroup"), OptionalLong.empty(), Duration.ofSeconds(30), TMP);
        assertThat(r.output()).containsPattern("cpu[^\\n]*:/keelson-test-[^/]+/session-w/call-1");
        assertThat(session.cpuWeight()).hasValue(150);
    }

    @ParameterizedTest
    @EnumSource(TestCgroups.class)
    void aCallOverItsMemoryLimitIsKilledAndToldWhyInPlainWords(TestCgroups backend) {
        open(backend);
        runner.openSession("s2");
        long limit = 32L << 20;
        // the shell keeps 100 MB of output in a variable: far over the 32 MiB limit
        ToolCallResult r = runner.run("s2", "hog", List.of("sh", "-c", "a=$(head -c 100000000 /dev/zero | tr '\\000' x); echo ${#a}"),
                OptionalLong.of(limit), Duration.ofSeconds(60), TMP);
        assertThat(r.oomKills()).isPositive();
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.verdict()).isInstanceOf(ToolCallResult.Verdict.OutOfMemory.class);
        assertThat(r.verdict().explain()).contains("out of memory", "limit is 32 MiB", "memory:2g");
    }

    @ParameterizedTest
    @EnumSource(TestCgroups.class)
    void aCallPastItsTimeLimitIsKilledWithItsGroup(TestCgroups backend) {
        open(backend);
        runner.openSession("s3");
        ToolCallResult r = runner.run("s3", "slow", List.of("sh", "-c", "sleep 30 & sleep 30; wait"), OptionalLong.empty(),
                Duration.ofMillis(300), TMP);
        assertThat(r.verdict()).isEqualTo(new ToolCallResult.Verdict.TimedOut(Duration.ofMillis(300)));
        assertThat(r.wall()).isLessThan(Duration.ofSeconds(20)); // the background sleep died with the group
        assertThat(cgroups.leftovers()).extracting(Cgroup::path).containsExactly("session-s3");
    }

    @ParameterizedTest
    @EnumSource(TestCgroups.class)
    void groupsAndProcessesLeftByACrashedServiceAreReaped(TestCgroups backend) throws Exception {
        open(backend);
        Cgroup orphan = cgroups.create("session-dead/call-9");
        // a call started through the wrapper, as a service killed mid-call leaves it
        ProcessBuilder join = new ProcessBuilder("/bin/sh", "-c", ToolCallRunner.JOIN, "keelson-join", "sleep", "60");
        join.environment().put("KEELSON_CGROUP_PROCS", orphan.procsFiles().stream().map(Path::toString).collect(Collectors.joining(":")));
        Process inside = join.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (orphan.pids().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(orphan.pids()).contains(inside.pid());

        int reaped = new ToolCallRunner(cgroups).reapLeftovers();
        assertThat(reaped).isEqualTo(2); // the call's group and its session's
        assertThat(inside.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(cgroups.leftovers()).isEmpty();
    }
}
