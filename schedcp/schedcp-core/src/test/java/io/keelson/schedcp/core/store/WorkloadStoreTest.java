package io.keelson.schedcp.core.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkloadStoreTest {

    @TempDir
    Path dir;

    @Test
    void profilesAndTheirHistorySurviveAReopenAndAnInterruptedWrite() throws Exception {
        Path file = dir.resolve("schedcp").resolve("workloads.json");
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T04:00:00Z"), ZoneOffset.UTC);
        WorkloadStore store = WorkloadStore.open(file, clock);
        WorkloadStore.Profile build = store.create("kernel build, make -j2");
        store.addHistory(build.id(), "exec-1", "scx_rusty", List.of("--slice-us-underutil", "20000"), "makespan 812 s, 1.2x faster than EEVDF",
                Map.of("makespan_s", 812.0, "speedup", 1.2));

        // a crash while the next write was under way leaves only a partial temporary file behind
        Files.writeString(file.resolveSibling("workloads.json.tmp"), "{\"workloads\": [{\"id\"");
        WorkloadStore reopened = WorkloadStore.open(file, clock);
        assertThat(reopened.list()).containsExactly(build);
        assertThat(reopened.history(build.id())).singleElement().satisfies(h -> {
            assertThat(h.schedulerName()).isEqualTo("scx_rusty");
            assertThat(h.args()).containsExactly("--slice-us-underutil", "20000");
            assertThat(h.resultDescription()).contains("1.2x");
            assertThat(h.createdAt()).isEqualTo("2026-11-26T04:00:00Z");
            assertThat(h.metrics()).containsEntry("makespan_s", 812.0).containsEntry("speedup", 1.2);
        });
    }

    @Test
    void anUnknownWorkloadIsNamed() {
        WorkloadStore store = WorkloadStore.open(dir.resolve("w.json"), Clock.systemUTC());
        assertThatThrownBy(() -> store.history("wl-nope")).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("workload_id:");
        assertThatThrownBy(() -> store.addHistory("wl-nope", "e", "scx_simple", List.of(), "", Map.of())).hasMessageStartingWith("workload_id:");
        String id = store.create("x").id();
        assertThatThrownBy(() -> store.addHistory(id, "e", "scx_simple", List.of(), "", Map.of("P99 ms", 1.0))).hasMessageStartingWith("metrics:");
        assertThatThrownBy(() -> store.addHistory(id, "e", "scx_simple", List.of(), "", Map.of("p99_ms", Double.NaN))).hasMessageStartingWith("metrics:");
        assertThat(store.history(id)).isEmpty();

    }
}
