package io.keelson.agentcgroup.core.replay;

import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.testing.TestCgroups;
import io.keelson.agentcgroup.core.sandbox.ToolCallResult;
import io.keelson.agentcgroup.core.sandbox.ToolCallRunner;
import io.keelson.agentcgroup.core.sim.Policies;
import io.keelson.agentcgroup.core.sim.Priority;
import io.keelson.agentcgroup.core.sim.Scenario;
import io.keelson.agentcgroup.core.sim.SimResult;
import io.keelson.agentcgroup.core.sim.Simulator;
import io.keelson.agentcgroup.core.sim.TenantSpec;
import io.keelson.agentcgroup.core.trace.TaskTrace;
import io.keelson.agentcgroup.core.trace.TraceReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deliverable 5: a trace replayed for real inside a memory-limited cgroup is OOM-killed exactly when the
 * simulator predicts it, for scripted limits on both sides of the need. The replayer's own JVM is measured
 * first (a run holding nothing) and is the tenant's base in the simulator. Skipped, saying why, without a
 * writable cgroup memory controller.
 */
class KernelReplayTest {

    private static final Path TASK = Path.of("../testdata/agentcgroup-traces/paper-scenario/dask__dask-11628");
    private static final double SCALE = 0.25;   // peak 80 MB instead of 321 MB: quick, and gentle on CI
    private static final double SPEED_UP = 25;  // 98 s of trace in ~4 s

    private Cgroups cgroups;
    private ToolCallRunner runner;

    @BeforeEach
    void probe() {
        cgroups = TestCgroups.KERNEL.open("keelson-replay", false, Path.of(System.getProperty("java.io.tmpdir")));
        runner = new ToolCallRunner(cgroups);
        runner.openSession("replay");
    }

    @AfterEach
    void cleanUp() {
        if (cgroups != null) {
            cgroups.removeAll();
        }
    }

    private ToolCallResult replay(String call, double scale, OptionalLong limit) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:MaxDirectMemorySize=1g", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                MemoryReplayer.class.getName(), TASK.toAbsolutePath().toString(), Double.toString(scale), Double.toString(SPEED_UP)));
        return runner.run("replay", call, argv, limit, Duration.ofSeconds(120), Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void theKernelKillsTheReplayExactlyWhenTheSimulatorSaysItWill() {
        ToolCallResult idle = replay("base", 0, OptionalLong.empty());
        assertThat(idle.exitCode()).as(idle.output()).isZero();
        long base = idle.peakBytes().orElseThrow(() -> new AssertionError("the kernel reports no peak memory"));

        TaskTrace trace = new TraceReader().read(TASK);
        TenantSpec scaled = TenantSpec.of(trace, Priority.HIGH, base);
        long[] bytes = new long[trace.samples().size()];
        double[] times = new double[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (long) (trace.samples().get(i).memoryBytes() * SCALE);
            times[i] = trace.samples().get(i).epoch() - trace.samples().get(0).epoch();
        }
        scaled = new TenantSpec(scaled.name(), Priority.HIGH, times, bytes, base);
        long need = scaled.peak() - base;

        for (double factor : new double[]{0.4, 0.7, 1.6}) {
            long limit = base + (long) (need * factor);
            SimResult predicted = Simulator.run(Scenario.of(List.of(scaled), 1L << 40, 1), Policies.fixedLimit(limit));
            boolean simulatorKills = predicted.killed() > 0;
            ToolCallResult real = replay("at-" + (int) (factor * 100), SCALE, OptionalLong.of(limit));
            boolean kernelKilled = real.oomKills() > 0;
            assertThat(kernelKilled).as("limit %d MB (base %d MB + %.0f%% of the %d MB need): simulator says %s, kernel %s (exit %d, %s)",
                    limit >> 20, base >> 20, factor * 100, need >> 20, simulatorKills ? "killed" : "survives",
                    kernelKilled ? "killed" : "survived", real.exitCode(), real.output().strip()).isEqualTo(simulatorKills);
            assertThat(simulatorKills).isEqualTo(factor < 1);
        }
    }
}
