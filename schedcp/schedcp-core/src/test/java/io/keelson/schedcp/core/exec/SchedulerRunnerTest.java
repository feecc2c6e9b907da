package io.keelson.schedcp.core.exec;

import io.keelson.schedcp.core.testing.StandInSchedulers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SchedulerRunnerTest {

    @TempDir
    Path dir;
    private SchedulerRunner runner;

    private void standIn(String name, boolean ignoreTerm) throws Exception {
        if (ignoreTerm) {
            StandInSchedulers.installStubborn(dir.resolve("bin"), name);
        } else {
            StandInSchedulers.install(dir.resolve("bin"), name);
        }
    }

    private SchedulerRunner runner(Set<String> known) {
        runner = new SchedulerRunner(dir.resolve("bin"), known::contains, dir.resolve("no-sched-ext"), Clock.systemUTC(), Duration.ofMillis(500));
        return runner;
    }

    @AfterEach
    void stopAll() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void aSchedulerRunsIsReportedHonestlyAndStopsWithSigterm() throws Exception {
        standIn("scx_standin", false);
        SchedulerRunner r = runner(Set.of("scx_standin"));
        SchedulerRunner.Execution started = r.run("scx_standin", List.of("--slice-us", "5000"));
        assertThat(started.status()).isEqualTo("running");
        assertThat(started.args()).containsExactly("--slice-us", "5000");
        await().atMost(Duration.ofSeconds(10)).until(() -> r.status(started.executionId()).output().contains("attached with --slice-us 5000"));
        // no sched_ext on this host (a fake root here): a running loader is not a load
        assertThat(r.status(started.executionId()).schedExt().supported()).isFalse();
        assertThat(r.status(started.executionId()).loaded()).isFalse();

        assertThatThrownBy(() -> r.run("scx_standin", List.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one scheduler at a time");

        SchedulerRunner.Execution stopped = r.stop(started.executionId());
        assertThat(stopped.status()).isEqualTo("stopped");
        assertThat(stopped.exitCode()).contains(0);
        assertThat(stopped.endTime()).isPresent();
        assertThat(ProcessHandle.of(started.pid())).isEmpty(); // reaped, no zombie
        assertThat(r.running()).isEmpty();
    }

    @Test
    void aSchedulerThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        standIn("scx_stubborn", true);
        SchedulerRunner r = runner(Set.of("scx_stubborn"));
        SchedulerRunner.Execution started = r.run("scx_stubborn", List.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> r.status(started.executionId()).output().contains("attached"));
        long t0 = System.nanoTime();
        SchedulerRunner.Execution stopped = r.stop(started.executionId());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
        assertThat(stopped.status()).isEqualTo("stopped");
        assertThat(stopped.exitCode()).contains(137); // SIGKILL
    }

    @Test
    void onlyKnownInstalledSchedulersRunAndUnknownExecutionsAreNamed() throws Exception {
        standIn("scx_standin", false);
        SchedulerRunner r = runner(Set.of("scx_standin", "scx_missing"));
        assertThatThrownBy(() -> r.run("../../bin/sh", List.of())).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("name:");
        assertThatThrownBy(() -> r.run("scx_missing", List.of())).isInstanceOf(IllegalStateException.class).hasMessageContaining("not installed");
        assertThatThrownBy(() -> r.run("scx_standin", List.of("a\0b"))).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("args:");
        assertThatThrownBy(() -> r.status("exec-nope")).isInstanceOf(NoSuchElementException.class).hasMessageStartingWith("execution_id:");
    }

    @Test
    void schedExtCountsASchedulerLoadedOnlyWhenTheKernelNamesItsOps() throws Exception {
        Path root = dir.resolve("sched_ext");
        Files.createDirectories(root.resolve("root"));
        Files.writeString(root.resolve("state"), "enabled\n");
        Files.writeString(root.resolve("root").resolve("ops"), "rusty\n");
        SchedExt s = SchedExt.probe(root);
        assertThat(s.supported()).isTrue();
        assertThat(s.loaded("scx_rusty")).isTrue();
        assertThat(s.loaded("scx_lavd")).isFalse();
        assertThat(SchedExt.probe(dir.resolve("absent"))).isEqualTo(new SchedExt(false, "unsupported", java.util.Optional.empty()));
    }
}
