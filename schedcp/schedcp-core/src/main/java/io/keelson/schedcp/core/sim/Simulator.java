package io.keelson.schedcp.core.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A discrete-event CPU-scheduler simulator: {@code cpus} CPUs, a workload's tasks arriving over time, a policy deciding
 * what runs. Time jumps from event to event (an arrival, a slice ending on a CPU); at each, ended slices are
 * charged and their tasks finished or handed back, arrivals are handed over, and every idle CPU asks the policy for
 * work. Deterministic: CPUs are visited in order, ties in the policies are broken by ready time and task id.
 */
public final class Simulator {

    private Simulator() {
    }

    /**
     * @param horizonMicros simulated time after which a run stops (a policy that never dispatches some task would
     *                      otherwise never end); unfinished tasks are reported as such
     */
    public static SimResult run(int cpus, List<Task> workload, SchedPolicy policy, long horizonMicros) {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus: at least 1, was " + cpus);
        }
        List<TaskState> arrivals = new ArrayList<>(workload.size());
        workload.forEach(t -> arrivals.add(new TaskState(t)));
        arrivals.sort(Comparator.comparingLong((TaskState t) -> t.task().arrivalMicros()).thenComparingInt(t -> t.task().id()));
        TaskState[] running = new TaskState[cpus];
        long[] sliceEnd = new long[cpus];
        long[] sliceStart = new long[cpus];
        int next = 0;
        int finished = 0;
        long now = 0;
        long idleWhileRunnable = 0;
        long events = 0;
        while (finished < arrivals.size()) {
            long t = next < arrivals.size() ? arrivals.get(next).task().arrivalMicros() : Long.MAX_VALUE;
            for (int c = 0; c < cpus; c++) {
                if (running[c] != null) {
                    t = Math.min(t, sliceEnd[c]);
                }
            }
            if (t == Long.MAX_VALUE || t > horizonMicros) {
                break; // nothing will happen any more (or not in time): the rest never finishes
            }
            int idle = 0;
            for (int c = 0; c < cpus; c++) {
                idle += running[c] == null ? 1 : 0;
            }
            if (idle > 0 && policy.hasRunnable()) {
                idleWhileRunnable += (t - now) * idle;
            }
            now = t;
            for (int c = 0; c < cpus; c++) {
                TaskState r = running[c];
                if (r != null && sliceEnd[c] == now) {
                    long ran = now - sliceStart[c];
                    r.remaining -= ran;
                    policy.charged(r, ran);
                    running[c] = null;
                    events++;
                    if (r.remaining <= 0) {
                        r.finish = now;
                        finished++;
                    } else {
                        r.readySince = now;
                        policy.enqueue(r, now);
                    }
                }
            }
            while (next < arrivals.size() && arrivals.get(next).task().arrivalMicros() == now) {
                TaskState r = arrivals.get(next++);
                r.readySince = now;
                policy.enqueue(r, now);
                events++;
            }
            for (int c = 0; c < cpus && policy.hasRunnable(); c++) {
                if (running[c] == null) {
                    TaskState r = policy.pickNext(now);
                    if (r == null) {
                        break; // the policy keeps its CPUs idle
                    }
                    r.maxWait = Math.max(r.maxWait, now - r.readySince);
                    if (r.firstRun < 0) {
                        r.firstRun = now;
                    }
                    r.dispatches++;
                    long slice = Math.max(1, policy.sliceMicros(r, now));
                    running[c] = r;
                    sliceStart[c] = now;
                    sliceEnd[c] = slice >= r.remaining ? now + r.remaining : now + slice;
                    events++;
                }
            }
        }
        List<SimResult.TaskOutcome> outcomes = new ArrayList<>(arrivals.size());
        arrivals.sort(Comparator.comparingInt(r -> r.task().id()));
        for (TaskState r : arrivals) {
            // a task still waiting at the end has waited since it became ready
            boolean waiting = r.finish < 0 && r.task().arrivalMicros() <= now && !isRunning(running, r);
            long wait = waiting ? Math.max(r.maxWait, now - r.readySince) : r.maxWait;
            outcomes.add(new SimResult.TaskOutcome(r.task(), r.firstRun, r.finish, wait, r.dispatches));
        }
        return new SimResult(policy.name(), cpus, List.copyOf(outcomes), idleWhileRunnable, events);
    }

    private static boolean isRunning(TaskState[] running, TaskState r) {
        for (TaskState s : running) {
            if (s == r) {
                return true;
            }
        }
        return false;
    }
}
