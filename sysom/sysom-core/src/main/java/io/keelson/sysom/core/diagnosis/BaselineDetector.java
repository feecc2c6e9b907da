package io.keelson.sysom.core.diagnosis;

import io.keelson.sysom.core.Medians;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.xfault.Culprit;
import io.keelson.sysom.core.xfault.FaultClass;

import java.util.ArrayList;
import java.util.List;

/**
 * The simple detector sysom is compared against: a rank whose step time (its own busy time, the per-rank time a
 * synchronous job's logs can show) exceeds the job's median by more than {@code threshold} in each of the last two
 * steps is reported slow. It has no layers: no class, no links, no hangs.
 */
public final class BaselineDetector {

    private final double threshold;

    public BaselineDetector(double threshold) {
        this.threshold = threshold;
    }

    public Report diagnose(List<List<RankStep>> window) {
        List<List<RankStep>> complete = window.stream().filter(s -> !s.isEmpty() && s.stream().allMatch(RankStep::completed)).toList();
        if (complete.size() < 2) {
            return new Report(0, 0, List.of());
        }
        List<RankStep> previous = complete.get(complete.size() - 2);
        List<RankStep> latest = complete.get(complete.size() - 1);
        double medPrevious = Medians.of(previous.stream().mapToDouble(RankStep::busyMicros).toArray());
        double medLatest = Medians.of(latest.stream().mapToDouble(RankStep::busyMicros).toArray());
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < latest.size(); i++) {
            double now = latest.get(i).busyMicros() / medLatest - 1;
            double before = previous.get(i).busyMicros() / medPrevious - 1;
            if (now > threshold && before > threshold) {
                findings.add(new Finding(new Culprit.Rank(latest.get(i).rank()), FaultClass.UNEXPLAINED_SLOWDOWN, Layer.L0_STEP_TIME, 0.5, now,
                        List.of(new Evidence(Layer.L0_STEP_TIME, "step time over the median", now, threshold, "above the threshold twice"))));
            }
        }
        findings.sort((a, b) -> Double.compare(b.slowdown(), a.slowdown()));
        return new Report(previous.get(0).step(), latest.get(0).step(), findings);
    }
}
