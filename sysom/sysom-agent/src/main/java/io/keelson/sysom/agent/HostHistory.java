package io.keelson.sysom.agent;

import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.HostSample;

import java.util.Map;
import java.util.TreeMap;

/**
 * Recent readings of the training process, on the wall clock of the traces (epoch microseconds), so a step read from
 * a trace later can be given the host counters of its own span: run-queue delay and reclaimed pages between the
 * readings that bracket it. A step with no reading on both sides keeps zero counters (unknown is not invented).
 */
public final class HostHistory {

    private final TreeMap<Long, ProcessSample> readings = new TreeMap<>();
    private final long keepMicros;

    /** @param keepMicros how far back readings are kept (traces arrive some time after their steps ran) */
    public HostHistory(long keepMicros) {
        this.keepMicros = keepMicros;
    }

    public synchronized void record(long epochMicros, ProcessSample sample) {
        readings.put(epochMicros, sample);
        readings.headMap(epochMicros - keepMicros).clear();
    }

    /** The step with the host counters of its span, when readings bracket it. */
    public synchronized RankStep join(RankStep step) {
        if (!step.completed()) {
            return step;
        }
        Map.Entry<Long, ProcessSample> before = readings.floorEntry((long) step.startMicros());
        Map.Entry<Long, ProcessSample> after = readings.ceilingEntry((long) Math.ceil(step.endMicros()));
        if (before == null || after == null || before.getKey().equals(after.getKey())) {
            return step;
        }
        // readings are coarser than steps: scale the bracketing interval's counters to the step's share of it
        double share = (step.endMicros() - step.startMicros()) / (after.getKey() - before.getKey());
        ProcessSample a = before.getValue();
        ProcessSample b = after.getValue();
        HostSample host = new HostSample((b.runQueueNanos() - a.runQueueNanos()) / 1e3 * share,
                Math.round((b.reclaimStolen() - a.reclaimStolen()) * share), 0);
        return new RankStep(step.rank(), step.step(), step.startMicros(), step.endMicros(), step.collectives(), step.computeMicros(),
                step.memcpyMicros(), step.stacks(), host);
    }
}
