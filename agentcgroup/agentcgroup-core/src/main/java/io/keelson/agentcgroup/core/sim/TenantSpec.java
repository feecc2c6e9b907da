package io.keelson.agentcgroup.core.sim;

import io.keelson.agentcgroup.core.trace.ResourceSample;
import io.keelson.agentcgroup.core.trace.TaskTrace;

import java.util.Arrays;
import java.util.List;

/**
 * One tenant of a replay: a task's memory over its own time (seconds from its first sample) plus a fixed
 * base (the replaying process itself), and its priority. Demand between samples is the earlier sample's
 * (a step function, as the trace saw it).
 */
public record TenantSpec(String name, Priority priority, double[] times, long[] bytes, long baseBytes) {

    public TenantSpec {
        if (times.length == 0 || times.length != bytes.length) {
            throw new IllegalArgumentException(name + ": a tenant needs samples (" + times.length + " times, " + bytes.length + " sizes)");
        }
        times = times.clone();
        bytes = bytes.clone();
    }

    public static TenantSpec of(TaskTrace trace, Priority priority, long baseBytes) {
        List<ResourceSample> s = trace.samples();
        if (s.isEmpty()) {
            throw new IllegalArgumentException(trace.name() + ": no usable memory sample to replay");
        }
        double[] t = new double[s.size()];
        long[] b = new long[s.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = s.get(i).epoch() - s.get(0).epoch();
            b[i] = s.get(i).memoryBytes();
        }
        return new TenantSpec(trace.name(), priority, t, b, baseBytes);
    }

    /** The same trace played {@code factor} times faster. */
    public TenantSpec spedUp(double factor) {
        return new TenantSpec(name, priority, Arrays.stream(times).map(t -> t / factor).toArray(), bytes, baseBytes);
    }

    public TenantSpec named(String newName, Priority newPriority) {
        return new TenantSpec(newName, newPriority, times, bytes, baseBytes);
    }

    /** Seconds of work in the trace. */
    public double duration() {
        return times[times.length - 1];
    }

    /** Memory the tenant needs at trace time {@code t}. */
    public long demand(double t) {
        int i = Arrays.binarySearch(times, t);
        int index = i >= 0 ? i : Math.max(0, -i - 2);
        return baseBytes + bytes[Math.min(index, bytes.length - 1)];
    }

    public long peak() {
        return baseBytes + Arrays.stream(bytes).max().orElse(0);
    }

    public long average() {
        return baseBytes + Math.round(Arrays.stream(bytes).average().orElse(0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantSpec t && name.equals(t.name) && priority == t.priority && Arrays.equals(times, t.times)
                && Arrays.equals(bytes, t.bytes) && baseBytes == t.baseBytes;
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name + " (" + priority + ", peak " + peak() / 1_000_000 + " MB)";
    }
}
