package io.keelson.schedcp.core.store;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Workload profiles and what each scheduler did on them (SchedCP's {@code workload} tool): a profile is a described
 * workload; its history lists executions with the scheduler, its arguments and the result in words and numbers.
 * Embedded: {@link JsonWorkloadStore}; cluster mode: {@link PostgresWorkloadStore}. Both pass the same contract tests.
 */
public interface WorkloadStore {

    /** Metric names: lower case, digits and _ (makespan_s, p99_ms); at most {@value #MAX_METRICS} per entry, finite values. */
    int MAX_METRICS = 16;

    record Profile(@JsonProperty("id") String id, @JsonProperty("description") String description,
                   @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt) {
    }

    /** {@code metrics}: the result as numbers (makespan_s, p99_ms, ...), beside the words; empty when none were given. */
    record History(@JsonProperty("id") String id, @JsonProperty("workload_id") String workloadId,
                   @JsonProperty("execution_id") String executionId, @JsonProperty("scheduler_name") String schedulerName,
                   @JsonProperty("args") List<String> args, @JsonProperty("result_description") String resultDescription,
                   @JsonProperty("created_at") String createdAt, @JsonProperty("metrics") Map<String, Double> metrics) {
        public History {
            metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        }
    }

    Profile create(String description);

    /** Every profile, oldest first. */
    List<Profile> list();

    Optional<Profile> get(String workloadId);

    /** Records what {@code schedulerName} did on the workload; the profile's {@code updated_at} moves. */
    History addHistory(String workloadId, String executionId, String schedulerName, List<String> args, String result, Map<String, Double> metrics);

    /** The workload's history, oldest first; an unknown workload is an {@link IllegalArgumentException} naming {@code workload_id}. */
    List<History> history(String workloadId);

    static void checkMetrics(Map<String, Double> metrics) {
        if (metrics.size() > MAX_METRICS) {
            throw new IllegalArgumentException("metrics: at most " + MAX_METRICS + ", were " + metrics.size());
        }
        Pattern name = Pattern.compile("[a-z][a-z0-9_]{0,39}");
        metrics.forEach((metric, value) -> {
            if (!name.matcher(metric).matches() || value == null || !Double.isFinite(value)) {
                throw new IllegalArgumentException("metrics: '" + metric + "' = " + value + " (names like makespan_s, finite numbers)");
            }
        });
    }

    static IllegalArgumentException unknown(String workloadId) {
        return new IllegalArgumentException("workload_id: no workload '" + workloadId + "'");
    }
}
