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

/**
 * The embedded {@link WorkloadStore}: one {@link JsonFile}, rewritten whole on every change, so an acknowledged change
 * survives a kill -9 and a crash mid-write leaves the previous file.
 */
public final class JsonWorkloadStore implements WorkloadStore {

    private record Data(@JsonProperty("workloads") List<Profile> workloads, @JsonProperty("history") List<History> history) {
    }

    private final Path file;
    private final Clock clock;
    private final List<Profile> workloads = new ArrayList<>();
    private final List<History> history = new ArrayList<>();

    private JsonWorkloadStore(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    public static JsonWorkloadStore open(Path file, Clock clock) {
        JsonWorkloadStore store = new JsonWorkloadStore(file, clock);
        JsonFile.read(file, Data.class).ifPresent(d -> {
            store.workloads.addAll(d.workloads() == null ? List.of() : d.workloads());
            store.history.addAll(d.history() == null ? List.of() : d.history());
        });
        return store;
    }

    @Override
    public synchronized Profile create(String description) {
        String now = Timestamps.now(clock);
        Profile p = new Profile("wl-" + UUID.randomUUID(), description, now, now);
        workloads.add(p);
        saveOrUndo(() -> workloads.remove(p));
        return p;
    }

    @Override
    public synchronized List<Profile> list() {
        return List.copyOf(workloads);
    }

    @Override
    public synchronized Optional<Profile> get(String workloadId) {
        return workloads.stream().filter(p -> p.id().equals(workloadId)).findFirst();
    }

    @Override
    public synchronized History addHistory(String workloadId, String executionId, String schedulerName, List<String> args, String result,
                                           Map<String, Double> metrics) {
        WorkloadStore.checkMetrics(metrics);
        int at = indexOf(workloadId);
        String now = Timestamps.now(clock);
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

    @Override
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
        throw WorkloadStore.unknown(workloadId);
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
