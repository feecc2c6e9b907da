package io.keelson.sysom.agent;

import io.keelson.sysom.core.timeline.RankStep;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The training process's CPU stacks recorded in consecutive windows, on the traces' wall clock (epoch µs), so each
 * step read from a trace later gets the stacks of its own span: every window overlapping the step gives its samples
 * in proportion to the overlap (shares within a window are kept; a window is longer than a step).
 */
public final class StackHistory {

    private record Window(long endMicros, Map<String, Long> stacks) {
    }

    private final TreeMap<Long, Window> windows = new TreeMap<>();
    private final long keepMicros;

    public StackHistory(long keepMicros) {
        this.keepMicros = keepMicros;
    }

    public synchronized void record(long startMicros, long endMicros, Map<String, Long> stacks) {
        if (endMicros > startMicros) {
            windows.put(startMicros, new Window(endMicros, Map.copyOf(stacks)));
            windows.headMap(endMicros - keepMicros).clear();
        }
    }

    /** The step with the stacks of its span added to what it had. */
    public synchronized RankStep join(RankStep step) {
        if (!step.completed()) {
            return step;
        }
        Map<String, Double> scaled = new HashMap<>();
        Map.Entry<Long, Window> first = windows.floorEntry((long) step.startMicros());
        for (Map.Entry<Long, Window> w : windows.tailMap(first == null ? Long.MIN_VALUE : first.getKey(), true).entrySet()) {
            if (w.getKey() >= step.endMicros()) {
                break;
            }
            double overlap = Math.min(step.endMicros(), w.getValue().endMicros()) - Math.max(step.startMicros(), w.getKey());
            if (overlap > 0) {
                double share = overlap / (w.getValue().endMicros() - w.getKey());
                w.getValue().stacks().forEach((stack, n) -> scaled.merge(stack, n * share, Double::sum));
            }
        }
        if (scaled.isEmpty()) {
            return step;
        }
        Map<String, Long> stacks = new TreeMap<>(step.stacks());
        scaled.forEach((stack, n) -> {
            long samples = Math.round(n);
            if (samples > 0) {
                stacks.merge(stack, samples, Long::sum);
            }
        });
        return new RankStep(step.rank(), step.step(), step.startMicros(), step.endMicros(), step.collectives(), step.computeMicros(),
                step.memcpyMicros(), stacks, step.host());
    }
}
