package io.keelson.schedcp.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The demonstration workloads, as task lists for the simulator (the same shapes run as real processes elsewhere). */
public final class Workloads {

    private Workloads() {
    }

    /**
     * SchedCP's batch pattern (its {@code workloads/processing}: compression, checksums, log analysis...): {@code shorts}
     * short tasks and one long one, all started at once, the long one last - the case where FIFO and fair sharing leave
     * the long task for the end and a longest-first order does not.
     */
    public static List<Task> batch(int shorts, long shortMicros, long longMicros) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < shorts; i++) {
            tasks.add(Task.of(i, "short-" + i, 0, shortMicros));
        }
        tasks.add(Task.of(shorts, "long", 0, longMicros));
        return tasks;
    }

    /** SchedCP's 39 short + 1 long: 1 s tasks and a 10 s one. */
    public static List<Task> batch() {
        return batch(39, 1_000_000, 10_000_000);
    }

    /**
     * A schbench-like latency workload: {@code cpus} CPU hogs run the whole time while requests (exponential work, mean
     * {@code requestMicros}) wake up at random (Poisson, {@code requestsPerSecond}); each request should start within
     * {@code deadlineMicros} (EDF's deadline). What matters is the requests' wakeup latency (arrival to first run).
     */
    public static List<Task> latency(long seed, int cpus, long durationMicros, double requestsPerSecond, long requestMicros, long deadlineMicros) {
        Random random = new Random(seed);
        List<Task> tasks = new ArrayList<>();
        int id = 0;
        for (int c = 0; c < cpus; c++) {
            tasks.add(Task.of(id++, "hog-" + c, 0, durationMicros));
        }
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / requestsPerSecond * 1e6;
            if (t >= durationMicros) {
                break;
            }
            long work = Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * requestMicros));
            long arrival = Math.round(t);
            tasks.add(new Task(id, "request-" + id, arrival, work, arrival + deadlineMicros, Task.NICE_0));
            id++;
        }
        return tasks;
    }

    /** 2 hogs for 10 s, 500 requests a second of 200 µs each, to start within 5 ms. */
    public static List<Task> latency(long seed) {
        return latency(seed, 2, 10_000_000, 500, 200, 5_000);
    }

    /**
     * A starvation probe: {@code cpus} short tasks arrive together every 10 ms for {@code seconds} - exactly what the
     * CPUs can drain - and one long task arrives just after the first batch, so whenever CPUs fall free there is short
     * work beside it: a policy that always prefers short work never runs the long one until the stream stops.
     */
    public static List<Task> starvationProbe(int cpus, long seconds) {
        List<Task> tasks = new ArrayList<>();
        tasks.add(Task.of(0, "long", 1_000, 2_000_000));
        long shortMicros = 10_000;
        int id = 1;
        for (long t = 0; t < seconds * 1_000_000; t += shortMicros) {
            for (int c = 0; c < cpus; c++) {
                tasks.add(Task.of(id, "short-" + id, t, shortMicros));
                id++;
            }
        }
        return tasks;
    }
}
