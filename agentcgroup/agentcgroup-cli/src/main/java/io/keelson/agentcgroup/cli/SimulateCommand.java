package io.keelson.agentcgroup.cli;

import io.keelson.agentcgroup.core.sim.Policies;
import io.keelson.agentcgroup.core.sim.Policy;
import io.keelson.agentcgroup.core.sim.Priority;
import io.keelson.agentcgroup.core.sim.Scenario;
import io.keelson.agentcgroup.core.sim.SimResult;
import io.keelson.agentcgroup.core.sim.Simulator;
import io.keelson.agentcgroup.core.sim.TenantSpec;
import io.keelson.agentcgroup.core.trace.TraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code agentcgroup simulate --high TASK --low TASK [--low TASK...] --capacity-mb N}: replays the tasks as
 * tenants of one host under every policy, in the same run, and prints one row per policy.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Replay task traces as tenants of one host under every memory policy and compare them.")
final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--high", description = "a high-priority tenant's task folder", paramLabel = "TASK")
    List<Path> high = new ArrayList<>();

    @Option(names = "--low", description = "a low-priority tenant's task folder (repeat for more)", paramLabel = "TASK")
    List<Path> low = new ArrayList<>();

    @Option(names = "--capacity-mb", required = true, description = "host memory in MB")
    long capacityMb;

    @Option(names = "--base-mb", defaultValue = "100", description = "memory of each tenant's replay process, added to its trace (default ${DEFAULT-VALUE})")
    long baseMb;

    @Option(names = "--speed-up", defaultValue = "1", description = "replay the traces this many times faster than recorded (the study: 100; default ${DEFAULT-VALUE})")
    double speedUp;

    @Option(names = "--cores", defaultValue = "" + Scenario.DEFAULT_CORES, description = "the host's CPUs, shared by tenants faulting in memory at once (default ${DEFAULT-VALUE})")
    int cores;

    @Option(names = "--seed", defaultValue = "42", description = "orders tenants within a tick (default ${DEFAULT-VALUE})")
    long seed;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (capacityMb <= 0 || baseMb < 0 || speedUp < 1 || cores < 1) {
            err.println(capacityMb <= 0 ? "--capacity-mb: must be positive" : baseMb < 0 ? "--base-mb: must not be negative"
                    : speedUp < 1 ? "--speed-up: at least 1" : "--cores: at least 1");
            return 2;
        }
        if (high.isEmpty() && low.isEmpty()) {
            err.println("--high/--low: at least one tenant");
            return 2;
        }
        TraceReader reader = new TraceReader();
        List<TenantSpec> tenants = new ArrayList<>();
        try {
            for (Path p : high) {
                tenants.add(tenant(reader, p, Priority.HIGH, tenants.size()));
            }
            for (Path p : low) {
                tenants.add(tenant(reader, p, Priority.LOW, tenants.size()));
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        Scenario scenario = Scenario.of(tenants, capacityMb * 1_000_000L, seed).replayed(speedUp, cores);
        out.printf(Locale.ROOT, "%d tenants, host %d MB and %d CPUs, sum of peaks %d MB, replayed %sx, seed %d%n", tenants.size(), capacityMb,
                cores, tenants.stream().mapToLong(TenantSpec::peak).sum() / 1_000_000, speedUp == Math.rint(speedUp) ? String.valueOf((long) speedUp)
                        : String.valueOf(speedUp), seed);
        out.printf(Locale.ROOT, "%-52s %7s %9s %12s %10s %12s  %s%n", "policy", "killed", "survival", "high slow", "high p95",
                "delay s", "over-prov MB*s");
        for (Policy policy : Policies.all()) {
            SimResult r = Simulator.run(scenario, policy);
            out.printf(Locale.ROOT, "%-52s %7d %8.0f%% %11.1f%% %7.1f ms %12.1f  %.0f%n", r.policy(), r.killed(), 100 * r.survival(),
                    100 * r.highSlowdown(), r.highP95StallMillis(), r.injectedDelaySeconds(), r.overProvisionedMbSeconds());
            r.tenants().stream().filter(t -> !t.survived())
                    .forEach(t -> out.printf(Locale.ROOT, "    %s: %s%n", t.name(), t.killedBecause().orElse("")));
        }
        out.flush();
        return 0;
    }

    private TenantSpec tenant(TraceReader reader, Path dir, Priority priority, int index) {
        if (!Files.isRegularFile(dir.resolve(TraceReader.RESOURCES))) {
            throw new IllegalArgumentException("--" + priority.name().toLowerCase(Locale.ROOT) + ": " + dir + " holds no "
                    + TraceReader.RESOURCES);
        }
        TenantSpec spec = TenantSpec.of(reader.read(dir), priority, baseMb * 1_000_000L);
        return spec.named(spec.name() + "#" + index, priority);
    }
}
