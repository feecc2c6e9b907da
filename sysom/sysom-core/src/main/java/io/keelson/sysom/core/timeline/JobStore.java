package io.keelson.sysom.core.timeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The steps of each job as its ranks report them, in memory: a step is complete once every rank of the job has
 * reported it finished, and is then put on one clock ({@link ClockAlignment#ofStep}). Only the latest {@link #KEPT_STEPS} steps of a job are kept (diagnosis reads windows, not
 * history), and at most {@link #MAX_JOBS} jobs, so a misbehaving agent cannot exhaust the service's memory.
 */
public final class JobStore {

    public static final int KEPT_STEPS = 64;
    public static final int MAX_JOBS = 256;

    /** Where a job stands, judged from its latest step. */
    public enum State {
        /** The latest step is complete (or has no report yet). */
        RUNNING,
        /** The latest step misses some ranks' reports. */
        WAITING,
        /** A rank reported the latest step unfinished: some collective never completed. */
        HUNG
    }

    public record Summary(String job, int worldSize, long completeSteps, long latestStep, State state) {
    }

    /** A report that cannot be kept, with the field at fault. */
    public static final class Rejected extends IllegalArgumentException {
        private final String field;

        public Rejected(String field, String message) {
            super(field + ": " + message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private static final class Job {
        final int worldSize;
        final TreeMap<Integer, Map<Integer, RankStep>> steps = new TreeMap<>();
        final TreeMap<Integer, Map<Integer, Map<String, Long>>> profiles = new TreeMap<>(); // step -> rank -> profiler stacks
        long completeSteps;

        Job(int worldSize) {
            this.worldSize = worldSize;
        }

        boolean complete(Map<Integer, RankStep> step) {
            return step.size() == worldSize && step.values().stream().allMatch(RankStep::completed);
        }

        boolean hung(Map<Integer, RankStep> step) {
            return step.values().stream().anyMatch(s -> !s.completed());
        }
    }

    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final List<BiConsumer<String, Integer>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Keeps one rank's report of one step.
     *
     * @throws Rejected when it contradicts the job (another world size, a rank outside it, a step already dropped)
     */
    public void add(String job, int worldSize, RankStep step) {
        boolean completedNow;
        boolean hungNow;
        synchronized (this) {
            Job j = jobs.get(job);
            if (j == null) {
                if (jobs.size() >= MAX_JOBS) {
                    throw new Rejected("job", "already " + MAX_JOBS + " jobs are kept; '" + job + "' is not");
                }
                j = new Job(worldSize);
                jobs.put(job, j);
            }
            if (worldSize != j.worldSize) {
                throw new Rejected("world_size", worldSize + " differs from the job's " + j.worldSize);
            }
            if (step.rank() >= j.worldSize) {
                throw new Rejected("rank", step.rank() + " is outside the job's " + j.worldSize + " ranks");
            }
            if (!j.steps.isEmpty() && step.step() < j.steps.lastKey() - KEPT_STEPS + 1) {
                throw new Rejected("step", step.step() + " is older than the " + KEPT_STEPS + " steps kept (latest " + j.steps.lastKey() + ")");
            }
            Map<Integer, RankStep> ranks = j.steps.computeIfAbsent(step.step(), s -> new HashMap<>());
            boolean wasComplete = j.complete(ranks);
            boolean wasHung = j.hung(ranks);
            ranks.put(step.rank(), step);
            completedNow = !wasComplete && j.complete(ranks);
            hungNow = !wasHung && j.hung(ranks);
            if (completedNow) {
                j.completeSteps++;
            }
            if (j.complete(ranks)) {
                align(ranks); // again for a re-sent report of a complete step
            }
            while (j.steps.size() > KEPT_STEPS) {
                j.steps.pollFirstEntry();
            }
            j.profiles.headMap(j.steps.firstKey()).clear();
        }
        if (completedNow || hungNow) {
            listeners.forEach(l -> l.accept(job, step.step()));
        }
    }

    /**
     * Puts a complete step's reports on one clock, the lowest rank's, from the collectives they completed together:
     * agents' clocks may be skewed, or jump between steps, and every cross-rank comparison (who arrived late, who
     * waited) needs one clock. Each step is aligned on its own.
     */
    private static void align(Map<Integer, RankStep> ranks) {
        int reference = ranks.keySet().stream().min(Integer::compare).orElseThrow();
        ClockAlignment.ofStep(ranks.values(), reference).forEach((rank, offset) -> ranks.put(rank, ranks.get(rank).shifted(offset)));
    }

    /**
     * Adds CPU stack samples (from a profiler) to a rank's step. They are kept apart from the step's report, so a
     * profile may arrive before the report and a re-sent report does not drop it; windows show both merged.
     *
     * @throws Rejected for an unknown job, a rank outside it, or a step already dropped
     */
    public synchronized void addStacks(String job, int rank, int step, Map<String, Long> stacks) {
        Job j = jobs.get(job);
        if (j == null) {
            throw new Rejected("job", "no reports of a job named '" + job + "' yet; profiles join reported jobs");
        }
        if (rank < 0 || rank >= j.worldSize) {
            throw new Rejected("rank", rank + " is outside the job's " + j.worldSize + " ranks");
        }
        if (step < j.steps.lastKey() - KEPT_STEPS + 1) {
            throw new Rejected("step", step + " is older than the " + KEPT_STEPS + " steps kept (latest " + j.steps.lastKey() + ")");
        }
        Map<String, Long> kept = j.profiles.computeIfAbsent(step, s -> new HashMap<>()).computeIfAbsent(rank, r -> new HashMap<>());
        stacks.forEach((k, v) -> kept.merge(k, v, Long::sum));
    }

    private static RankStep withStacks(RankStep s, Map<String, Long> more) {
        if (more == null || more.isEmpty()) {
            return s;
        }
        Map<String, Long> merged = new HashMap<>(s.stacks());
        more.forEach((k, v) -> merged.merge(k, v, Long::sum));
        return new RankStep(s.rank(), s.step(), s.startMicros(), s.endMicros(), s.collectives(), s.computeMicros(), s.memcpyMicros(), merged,
                s.host());
    }

    /** Called (outside the store's lock) with the job and step each time a step completes or a rank reports it hung. */
    public void onChange(BiConsumer<String, Integer> listener) {
        listeners.add(listener);
    }

    public void removeListener(BiConsumer<String, Integer> listener) {
        listeners.remove(listener);
    }

    public synchronized List<Summary> jobs() {
        List<Summary> out = new ArrayList<>();
        jobs.forEach((name, j) -> {
            Map.Entry<Integer, Map<Integer, RankStep>> latest = j.steps.lastEntry();
            State state = latest == null || j.complete(latest.getValue()) ? State.RUNNING
                    : j.hung(latest.getValue()) ? State.HUNG : State.WAITING;
            out.add(new Summary(name, j.worldSize, j.completeSteps, latest == null ? -1 : latest.getKey(), state));
        });
        return out;
    }

    /**
     * The latest {@code steps} complete steps of {@code job} in step order, each ordered by rank, followed by the
     * latest step when a rank reported it unfinished (the evidence of a hang); empty when the job is unknown.
     */
    public synchronized Optional<List<List<RankStep>>> window(String job, int steps) {
        Job j = jobs.get(job);
        if (j == null) {
            return Optional.empty();
        }
        List<List<RankStep>> out = new ArrayList<>();
        for (Map<Integer, RankStep> step : j.steps.descendingMap().values()) {
            if (out.size() == steps) {
                break;
            }
            if (j.complete(step)) {
                out.add(0, byRank(j, step.values()));
            }
        }
        Map.Entry<Integer, Map<Integer, RankStep>> latest = j.steps.lastEntry();
        if (latest != null && j.hung(latest.getValue())) {
            out.add(byRank(j, latest.getValue().values()));
        }
        return Optional.of(out);
    }

    /** The step's reports in rank order, each with the profiler stacks sent for it. */
    private static List<RankStep> byRank(Job j, Collection<RankStep> steps) {
        List<RankStep> sorted = new ArrayList<>(steps.size());
        for (RankStep s : steps) {
            sorted.add(withStacks(s, j.profiles.getOrDefault(s.step(), Map.of()).get(s.rank())));
        }
        sorted.sort((a, b) -> Integer.compare(a.rank(), b.rank()));
        return sorted;
    }
}
