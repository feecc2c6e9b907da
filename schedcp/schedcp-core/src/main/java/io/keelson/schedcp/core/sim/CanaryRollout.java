package io.keelson.schedcp.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * A canary rollout with a circuit breaker, in the simulator: window after window (each a fresh draw of the watched
 * workload), the candidate runs where the last known-good policy ran; the watched metric is P99 wakeup latency. The
 * first window in which the candidate is worse than the known-good policy by more than the tolerance trips the
 * breaker: the known-good policy is restored and the rollout ends. A candidate that holds through every window is
 * promoted (it becomes the known-good policy).
 */
public final class CanaryRollout {

    /** One window: both policies' P99 on the same tasks, and how much worse the candidate was (negative: better). */
    public record Window(int index, long knownGoodP99Micros, long candidateP99Micros, double regression) {
    }

    public sealed interface Outcome permits Promoted, Reverted {
        List<Window> windows();
    }

    public record Promoted(String candidate, List<Window> windows) implements Outcome {
    }

    public record Reverted(String restored, String candidate, String reason, List<Window> windows) implements Outcome {
    }

    private CanaryRollout() {
    }

    /**
     * @param workload  the watched workload for a window, from its seed
     * @param tolerance how much worse the candidate may be (0.10: 10 % higher P99)
     */
    public static Outcome roll(Supplier<SchedPolicy> knownGood, Supplier<SchedPolicy> candidate, LongFunction<List<Task>> workload, int cpus,
                               int windows, double tolerance) {
        List<Window> seen = new ArrayList<>();
        String goodName = knownGood.get().name();
        String candidateName = candidate.get().name();
        for (int w = 0; w < windows; w++) {
            List<Task> tasks = workload.apply(w);
            long good = Simulator.run(cpus, tasks, knownGood.get(), Long.MAX_VALUE).p99ResponseMicros();
            long cand = Simulator.run(cpus, tasks, candidate.get(), Long.MAX_VALUE).p99ResponseMicros();
            double regression = good == 0 ? (cand == 0 ? 0 : Double.POSITIVE_INFINITY) : (double) cand / good - 1;
            Window window = new Window(w, good, cand, regression);
            seen.add(window);
            if (regression > tolerance) {
                return new Reverted(goodName, candidateName, String.format(Locale.ROOT,
                        "window %d: P99 wakeup latency %.2f ms against %.2f ms under %s (%+.0f %%, tolerance %.0f %%); %s restored", w, cand / 1e3,
                        good / 1e3, goodName, 100 * regression, 100 * tolerance, goodName), List.copyOf(seen));
            }
        }
        return new Promoted(candidateName, List.copyOf(seen));
    }
}
