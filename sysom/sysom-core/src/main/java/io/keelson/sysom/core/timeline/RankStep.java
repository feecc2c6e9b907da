package io.keelson.sysom.core.timeline;

import io.keelson.sysom.core.trace.HostSample;
import io.keelson.sysom.core.trace.NcclEvent;

import java.util.List;
import java.util.Map;

/**
 * Everything one rank reported for one training step, on the job's clock: the step's span ({@code endMicros} NaN
 * when the step never finished), its collectives, its GPU time in compute kernels and in memory copies, its CPU
 * stack samples (folded stack → samples) and its host counters.
 */
public record RankStep(int rank, int step, double startMicros, double endMicros, List<NcclEvent> collectives, double computeMicros,
                       double memcpyMicros, Map<String, Long> stacks, HostSample host) {

    public RankStep {
        collectives = List.copyOf(collectives);
        stacks = Map.copyOf(stacks);
    }

    /** The same report with every time moved {@code offsetMicros} earlier (onto another clock). */
    public RankStep shifted(double offsetMicros) {
        if (offsetMicros == 0) {
            return this;
        }
        List<NcclEvent> moved = collectives.stream().map(e -> new NcclEvent(e.communicator(), e.collective(), e.sequence(), e.bytes(), e.rank(),
                e.peer(), e.startMicros() - offsetMicros, e.endMicros() - offsetMicros, e.sendMicros())).toList();
        return new RankStep(rank, step, startMicros - offsetMicros, endMicros - offsetMicros, moved, computeMicros, memcpyMicros, stacks, host);
    }

    public boolean completed() {
        return !Double.isNaN(endMicros);
    }

    /**
     * The rank's own work in the step: its span less the time it spent inside collectives (waiting for the others
     * and transferring). In a synchronous job every rank's span is the same; this is what differs.
     */
    public double busyMicros() {
        double inCollectives = 0;
        for (NcclEvent e : collectives) {
            inCollectives += e.durationMicros();
        }
        return endMicros - startMicros - inCollectives;
    }

    /** Share of the stack samples whose stack contains {@code frame}. */
    public double stackShare(String frame) {
        long total = 0;
        long matching = 0;
        for (Map.Entry<String, Long> e : stacks.entrySet()) {
            total += e.getValue();
            if ((";" + e.getKey() + ";").contains(";" + frame + ";")) {
                matching += e.getValue();
            }
        }
        return total == 0 ? 0 : (double) matching / total;
    }
}
