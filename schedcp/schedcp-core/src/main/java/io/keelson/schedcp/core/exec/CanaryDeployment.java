package io.keelson.schedcp.core.exec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A canary deployment of a scheduler on this host with a circuit breaker: the known-good scheduler runs and the watched
 * metric (lower is better, e.g. P99 wakeup latency) is measured; then the candidate replaces it and is measured window
 * after window. The first window worse than the known-good measurement by more than the tolerance - or the candidate
 * exiting - trips the breaker: the candidate is stopped and the known-good scheduler started again. A candidate that
 * holds through every window stays running (promoted). Each step is recorded.
 */
public final class CanaryDeployment {

    /** A scheduler and its arguments. */
    public record Spec(String name, List<String> args) {
        public Spec {
            args = List.copyOf(args);
        }
    }

    /** The watched metric: lower is better. */
    @FunctionalInterface
    public interface Metric {
        double measure() throws IOException, InterruptedException;
    }

    /** One step: what ran, and the metric measured under it (NaN where nothing was measured). */
    public record Step(String phase, String scheduler, String executionId, double value) {
    }

    public sealed interface Outcome permits Promoted, Reverted {
        List<Step> steps();

        /** The execution left running. */
        String runningExecutionId();
    }

    public record Promoted(String runningExecutionId, List<Step> steps) implements Outcome {
    }

    public record Reverted(String runningExecutionId, String reason, List<Step> steps) implements Outcome {
    }

    private CanaryDeployment() {
    }

    public static Outcome deploy(SchedulerRunner runner, Spec knownGood, Spec candidate, Metric metric, int windows, double tolerance)
            throws IOException, InterruptedException {
        List<Step> steps = new ArrayList<>();
        Optional<SchedulerRunner.Execution> running = runner.running();
        SchedulerRunner.Execution good;
        if (running.isPresent() && running.get().schedulerName().equals(knownGood.name()) && running.get().args().equals(knownGood.args())) {
            good = running.get();
        } else {
            running.ifPresent(e -> runner.stop(e.executionId()));
            good = runner.run(knownGood.name(), knownGood.args());
        }
        double baseline = metric.measure();
        steps.add(new Step("baseline", knownGood.name(), good.executionId(), baseline));
        runner.stop(good.executionId());
        SchedulerRunner.Execution canary = runner.run(candidate.name(), candidate.args());
        steps.add(new Step("candidate started", candidate.name(), canary.executionId(), Double.NaN));
        for (int w = 0; w < windows; w++) {
            double value = metric.measure();
            steps.add(new Step("window " + w, candidate.name(), canary.executionId(), value));
            SchedulerRunner.Execution now = runner.status(canary.executionId());
            String reason = !now.status().equals("running")
                    ? String.format(Locale.ROOT, "the candidate %s %s (exit code %s) in window %d", candidate.name(), now.status(),
                    now.exitCode().map(String::valueOf).orElse("none"), w)
                    : value > baseline * (1 + tolerance)
                    ? String.format(Locale.ROOT, "window %d: %.1f against %.1f under %s (%+.0f %%, tolerance %.0f %%)", w, value, baseline,
                    knownGood.name(), 100 * (value / baseline - 1), 100 * tolerance)
                    : null;
            if (reason != null) {
                runner.stop(canary.executionId());
                SchedulerRunner.Execution restored = runner.run(knownGood.name(), knownGood.args());
                steps.add(new Step("reverted", knownGood.name(), restored.executionId(), Double.NaN));
                return new Reverted(restored.executionId(), reason + "; " + knownGood.name() + " restored", List.copyOf(steps));
            }
        }
        steps.add(new Step("promoted", candidate.name(), canary.executionId(), Double.NaN));
        return new Promoted(canary.executionId(), List.copyOf(steps));
    }
}
