package io.keelson.agentcgroup.core.sandbox;

import io.keelson.agentcgroup.core.cgroup.Cgroup;
import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.testing.TestCgroups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Tool calls in real cgroups of this host's kernel (CI runs as root with a writable v1 memory hierarchy and
 * cgroup2 for freeze/kill). Skipped, saying why, where the probe finds no memory controller or the tree is
 * not writable.
 */
class ToolCallRunnerKernelTest {

    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));
    private Cgroups cgroups;
    private ToolCallRunner runner;

    @BeforeEach
    void probe() {
        cgroups = TestCgroups.writableOrAbort("keelson-test", false);
        runner = new ToolCallRunner(cgroups);
    }

    @AfterEach
    void cleanUp() {
        if (cgroups != null) {
            cgroups.removeAll();
        }
    }

    @Test
    void aCallRunsInItsOwnGroupWhichIsRemovedAfterwards() {
        runner.openSession("s1");
        ToolCallResult r = runner.run("s1", "1", List.of("sh", "-c", "cat /proc/self/cgroup; echo done; exit 3"),
                OptionalLong.empty(), Duration.ofSeconds(30), TMP);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.verdict()).isEqualTo(new ToolCallResult.Verdict.Completed(3));
        assertThat(r.output()).contains("/session-s1/call-1").contains("done");
        assertThat(r.peakBytes().orElse(0)).isPositive();
        assertThat(cgroups.leftovers()).extracting(Cgroup::path).containsExactly("session-s1");
    }

    @Test
    void sessionsCarryACpuWeightWhereTheHostHasACpuController() throws Exception {
        Cgroup session = runner.openSession("w");
        boolean applied = session.setCpuWeight(150);
        if (!applied) {
            abort("no cpu controller for session weights on this host");
        }
        ToolCallResult r = runner.run("w", "1", List.of("sh", "-c", "cat /proc/self/cgroup"), OptionalLong.empty(), Duration.ofSeconds(30), TMP);
        assertThat(r.output()).containsPattern("cpu[^\\n]*:/keelson-test-[^/]+/session-w/call-1");
        assertThat(session.cpuWeight()).hasValue(150);
    }

    @Test
    void aCallOverItsMemoryLimitIsKilledAndToldWhyInPlainWords() {
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

    @Test
    void aCallPastItsTimeLimitIsKilledWithItsGroup() {
        runner.openSession("s3");
        ToolCallResult r = runner.run("s3", "slow", List.of("sh", "-c", "sleep 30 & sleep 30; wait"), OptionalLong.empty(),
                Duration.ofMillis(300), TMP);
        assertThat(r.verdict()).isEqualTo(new ToolCallResult.Verdict.TimedOut(Duration.ofMillis(300)));
        assertThat(r.wall()).isLessThan(Duration.ofSeconds(20)); // the background sleep died with the group
        assertThat(cgroups.leftovers()).extracting(Cgroup::path).containsExactly("session-s3");
    }

    @Test
    void groupsAndProcessesLeftByACrashedServiceAreReaped() throws Exception {
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
