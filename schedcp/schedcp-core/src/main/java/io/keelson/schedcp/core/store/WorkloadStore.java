package io.keelson.schedcp.core.store;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Workload profiles and what each scheduler did on them (SchedCP's {@code workload} tool): a profile is a described
 * workload; its history lists executions with the scheduler, its arguments and the result in words and numbers.
 * Kept in one {@link JsonFile}, rewritten whole on every change, so an acknowledged change survives a kill -9 and a
 * crash mid-write leaves the previous file.
 */
public final class WorkloadStore {

    public record Profile(@JsonProperty("id") String id, @JsonProperty("description") String description,
                          @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt) {
    }

    /** {@code metrics}: the result as numbers (makespan_s, p99_ms, ...), beside the words; empty when none were given. */
    public record History(@JsonProperty("id") String id, @JsonProperty("workload_id") String workloadId,
                          @JsonProperty("execution_id") String executionId, @JsonProperty("scheduler_name") String schedulerName,
                          @JsonProperty("args") List<String> args, @JsonProperty("result_description") String resultDescription,
                          @JsonProperty("created_at") String createdAt, @JsonProperty("metrics") Map<String, Double> metrics) {
        public History {
            metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        }
    }

    /** Metric names: lower case, digits and _ (makespan_s, p99_ms); at most {@value #MAX_METRICS} per entry, finite values. */
    public static final int MAX_METRICS = 16;
    private static final Pattern METRIC = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    private record Data(@JsonProperty("workloads") List<Profile> workloads, @JsonProperty("history") List<History> history) {
    }

    private final Path file;
    private final Clock clock;
    private final List<Profile> workloads = new ArrayList<>();
    private final List<History> history = new ArrayList<>();

    private WorkloadStore(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    public static WorkloadStore open(Path file, Clock clock) {
        WorkloadStore store = new WorkloadStore(file, clock);
        JsonFile.read(file, Data.class).ifPresent(d -> {
            store.workloads.addAll(d.workloads() == null ? List.of() : d.workloads());
            store.history.addAll(d.history() == null ? List.of() : d.history());
        });
        return store;
    }

    public synchronized Profile create(String description) {
        String now = clock.instant().toString();
        Profile p = new Profile("wl-" + UUID.randomUUID(), description, now, now);
        workloads.add(p);
        saveOrUndo(() -> workloads.remove(p));
        return p;
    }

    public synchronized List<Profile> list() {
        return List.copyOf(workloads);
    }

    public synchronized Optional<Profile> get(String workloadId) {
        return workloads.stream().filter(p -> p.id().equals(workloadId)).findFirst();
    }

    /** Records what {@code schedulerName} did on the workload; the profile's {@code updated_at} moves. */
    public synchronized History addHistory(String workloadId, String executionId, String schedulerName, List<String> args, String result,
                                           Map<String, Double> metrics) {
        if (metrics.size() > MAX_METRICS) {
            throw new IllegalArgumentException("metrics: at most " + MAX_METRICS + ", were " + metrics.size());
        }
        metrics.forEach((name, value) -> {
            if (!METRIC.matcher(name).matches() || value == null || !Double.isFinite(value)) {
                throw new IllegalArgumentException("metrics: '" + name + "' = " + value + " (names like makespan_s, finite numbers)");
            }
        });
        int at = indexOf(workloadId);
        String now = clock.instant().toString();
        History h = new History("h-" + UUID.randomUUID(), workloadId, executionId, schedulerName, List.copyOf(args), result, now, metrics);
        history.add(h);
        Profile p = workloads.get(at);
        workloads.set(at, new Profile(p.id(), p.description(), p.createdAt(), now));
        saveOrUndo(() -> {
            history.remove(h);
            workloads.set(at, p);
        });
        return h;
    }

    public synchronized List<History> history(String workloadId) {
        indexOf(workloadId);
        return history.stream().filter(h -> h.workloadId().equals(workloadId)).toList();
    }

    private int indexOf(String workloadId) {
        for (int i = 0; i < workloads.size(); i++) {
            if (workloads.get(i).id().equals(workloadId)) {
                return i;
            }
        }
        throw new IllegalArgumentException("workload_id: no workload '" + workloadId + "'");
    }

    /** Writes the store; if that fails, {@code undo} puts memory back as the file still has it. */
    private void saveOrUndo(Runnable undo) {
        try {
            save();
        } catch (UncheckedIOException e) {
            undo.run();
            throw e;
        }
    }

    private void save() {
        JsonFile.write(file, new Data(workloads, history));
    }
}
