package io.keelson.schedcp.core.store;

import io.keelson.schedcp.core.SchedCp;
import io.keelson.schedcp.core.testing.StoreKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link WorkloadStore} must do, on the embedded JSON files and on PostgreSQL. */
class WorkloadStoreContractTest {

    private static final Clock AT_FOUR = Clock.fixed(Instant.parse("2026-11-26T04:00:00.123456789Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void profilesAndTheirHistorySurviveAReopen(StoreKind kind) {
        Supplier<SchedCp.Stores> stores = kind.fresh(dir, AT_FOUR);
        WorkloadStore store = stores.get().workloads();
        WorkloadStore.Profile build = store.create("kernel build, make -j2");
        WorkloadStore.Profile bench = store.create("schbench, 2 CPUs");
        WorkloadStore.History h = store.addHistory(build.id(), "exec-1", "scx_rusty", List.of("--slice-us-underutil", "20000"),
                "makespan 812 s, 1.2x faster than EEVDF", Map.of("makespan_s", 812.0, "speedup", 1.2));

        WorkloadStore reopened = stores.get().workloads();
        assertThat(reopened.list()).extracting(WorkloadStore.Profile::id).containsExactly(build.id(), bench.id());
        assertThat(reopened.get(build.id())).hasValueSatisfying(p -> {
            assertThat(p.description()).isEqualTo("kernel build, make -j2");
            assertThat(p.createdAt()).isEqualTo("2026-11-26T04:00:00.123456Z"); // to the microsecond, in every store
            assertThat(p.updatedAt()).isEqualTo(h.createdAt());
        });
        assertThat(reopened.history(build.id())).containsExactly(h).singleElement().satisfies(e -> {
            assertThat(e.schedulerName()).isEqualTo("scx_rusty");
            assertThat(e.args()).containsExactly("--slice-us-underutil", "20000");
            assertThat(e.metrics()).containsEntry("makespan_s", 812.0).containsEntry("speedup", 1.2);
        });
        assertThat(reopened.history(bench.id())).isEmpty();
        assertThat(reopened.get("wl-nope")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void anUnknownWorkloadAndBadMetricsAreNamedAndLeaveNothingBehind(StoreKind kind) {
        WorkloadStore store = kind.fresh(dir, Clock.systemUTC()).get().workloads();
        assertThatThrownBy(() -> store.history("wl-nope")).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("workload_id:");
        assertThatThrownBy(() -> store.addHistory("wl-nope", "e", "scx_simple", List.of(), "", Map.of())).hasMessageStartingWith("workload_id:");
        String id = store.create("x").id();
        assertThatThrownBy(() -> store.addHistory(id, "e", "scx_simple", List.of(), "", Map.of("P99 ms", 1.0))).hasMessageStartingWith("metrics:");
        assertThatThrownBy(() -> store.addHistory(id, "e", "scx_simple", List.of(), "", Map.of("p99_ms", Double.NaN))).hasMessageStartingWith("metrics:");
        assertThat(store.history(id)).isEmpty();
        assertThat(store.list()).singleElement().satisfies(p -> assertThat(p.updatedAt()).isEqualTo(p.createdAt()));
    }

    @Test
    void theJsonFileSurvivesAnInterruptedWrite() throws Exception {
        Path file = dir.resolve("schedcp").resolve("workloads.json");
        WorkloadStore store = JsonWorkloadStore.open(file, AT_FOUR);
        WorkloadStore.Profile build = store.create("kernel build, make -j2");

        // a crash while the next write was under way leaves only a partial temporary file behind
        Files.writeString(file.resolveSibling("workloads.json.tmp"), "{\"workloads\": [{\"id\"");
        assertThat(JsonWorkloadStore.open(file, AT_FOUR).list()).containsExactly(build);
    }
}
