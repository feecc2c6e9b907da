package io.keelson.schedcp.core.exec;

import io.keelson.schedcp.core.testing.StandInSchedulers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CanaryDeploymentTest {

    @TempDir
    Path dir;
    private SchedulerRunner runner;

    @BeforeEach
    void standIns() throws Exception {
        Path bin = dir.resolve("bin");
        StandInSchedulers.install(bin, "scx_rusty");
        StandInSchedulers.install(bin, "scx_lavd");
        StandInSchedulers.installFailing(bin, "scx_crash", 3);
        runner = new SchedulerRunner(bin, Set.of("scx_rusty", "scx_lavd", "scx_crash")::contains, dir.resolve("no-sched-ext"), Clock.systemUTC(),
                Duration.ofMillis(500));
    }

    @AfterEach
    void stop() {
        runner.close();
    }

    private static CanaryDeployment.Metric sequence(double... values) {
        Iterator<Double> it = java.util.Arrays.stream(values).boxed().iterator();
        return it::next;
    }

    @Test
    void aRegressingCandidateIsStoppedAndTheKnownGoodSchedulerRestored() throws Exception {
        CanaryDeployment.Outcome o = CanaryDeployment.deploy(runner, new CanaryDeployment.Spec("scx_rusty", List.of()),
                new CanaryDeployment.Spec("scx_lavd", List.of("--performance")), sequence(100, 105, 140), 5, 0.10);
        assertThat(o).isInstanceOfSatisfying(CanaryDeployment.Reverted.class, r -> {
            assertThat(r.reason()).contains("window 1", "140.0 against 100.0", "scx_rusty restored");
            assertThat(r.steps()).extracting(CanaryDeployment.Step::phase).containsExactly("baseline", "candidate started", "window 0", "window 1", "reverted");
        });
        SchedulerRunner.Execution now = runner.running().orElseThrow();
        assertThat(now.schedulerName()).isEqualTo("scx_rusty");
        assertThat(now.executionId()).isEqualTo(o.runningExecutionId());
    }

    @Test
    void aCandidateThatHoldsStaysRunningAndOneThatExitsIsReverted() throws Exception {
        CanaryDeployment.Outcome held = CanaryDeployment.deploy(runner, new CanaryDeployment.Spec("scx_rusty", List.of()),
                new CanaryDeployment.Spec("scx_lavd", List.of()), sequence(100, 90, 101, 95), 3, 0.10);
        assertThat(held).isInstanceOf(CanaryDeployment.Promoted.class);
        assertThat(runner.running().orElseThrow().schedulerName()).isEqualTo("scx_lavd");

        CanaryDeployment.Outcome crashed = CanaryDeployment.deploy(runner, new CanaryDeployment.Spec("scx_rusty", List.of()),
                new CanaryDeployment.Spec("scx_crash", List.of()), () -> {
                    Thread.sleep(300); // long enough for the crashing candidate to be gone
                    return 100;
                }, 3, 0.10);
        assertThat(crashed).isInstanceOfSatisfying(CanaryDeployment.Reverted.class, r -> assertThat(r.reason()).contains("scx_crash failed (exit code 3)"));
        assertThat(runner.running().orElseThrow().schedulerName()).isEqualTo("scx_rusty");
    }
}
