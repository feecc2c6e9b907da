package io.keelson.sysom.core.trace;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KernelDurationsTest {

    private static TraceEvent kernel(String name, double micros) {
        return new TraceEvent(name, "kernel", 'X', 0, micros, "0", "7", Map.of());
    }

    @Test
    void percentilesAreByNearestRankAndKernelsComeMostGpuTimeFirst() {
        KernelDurations d = new KernelDurations();
        for (int i = 1; i <= 100; i++) {
            d.accept(kernel("gemm", i));
        }
        d.accept(kernel("ncclDevKernel_AllReduce_Sum_f32_RING_LL", 9000));
        d.accept(new TraceEvent("Memcpy HtoD", "gpu_memcpy", 'X', 0, 50_000, "0", "8", Map.of())); // not a kernel
        d.accept(new TraceEvent("gemm", "kernel", 'i', 0, 0, "0", "7", Map.of()));                // not a span

        assertThat(d.byTotalTime()).containsExactly(
                new KernelDurations.Distribution("ncclDevKernel_AllReduce_Sum_f32_RING_LL", true, 1, 9000, 9000, 9000, 9000, 9000),
                new KernelDurations.Distribution("gemm", false, 100, 5050, 50, 95, 99, 100));
    }

    @Test
    void aRealTracesKernelsAddUpToItsKernelTime() throws Exception {
        Path trace = Path.of("../testdata/traces/hta/critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz");
        KernelDurations d = new KernelDurations();
        List<TraceEvent> kernels = new ArrayList<>();
        new KinetoReader().read(trace, e -> {
            d.accept(e);
            if (e.phase() == 'X' && e.category().equals("kernel")) {
                kernels.add(e);
            }
        });
        List<KernelDurations.Distribution> all = d.byTotalTime();
        assertThat(all).isNotEmpty();
        assertThat(all.stream().mapToInt(KernelDurations.Distribution::launches).sum()).isEqualTo(kernels.size());
        assertThat(all.stream().mapToDouble(KernelDurations.Distribution::totalMicros).sum())
                .isCloseTo(kernels.stream().mapToDouble(TraceEvent::durMicros).sum(), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(all).allSatisfy(k -> assertThat(List.of(k.p50Micros(), k.p95Micros(), k.p99Micros(), k.maxMicros())).isSorted());
        assertThat(all.get(0).totalMicros()).isGreaterThanOrEqualTo(all.get(all.size() - 1).totalMicros());
    }
}
