package io.keelson.agentcgroup.core.bench;

import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.live.PolicyAction;
import io.keelson.agentcgroup.core.live.PressureGuard;
import io.keelson.agentcgroup.core.sandbox.CommandPolicy;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;
import io.keelson.agentcgroup.core.sandbox.ToolCallRunner;
import io.keelson.agentcgroup.core.sim.Priority;
import io.keelson.agentcgroup.core.testing.TestCgroups;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Issue 5's benchmark (c): on the real cgroup backend (and then the emulated one), the time from the memory sample
 * that shows a pressure condition to the policy's completed write (throttle, freeze, thaw, resume), p50/p99 over
 * repeated high-priority bursts next to a running low-priority call. The kernel run needs root and a writable
 * memory controller with cgroup.freeze; it says so otherwise.
 * Run with {@code ./keelson bench agentcgroup}.
 */
public final class GuardReactionBenchmark {

    private static final int ROUNDS = 20;

    private GuardReactionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        for (TestCgroups backend : TestCgroups.values()) {
            Path work = Files.createTempDirectory("keelson-guard-bench");
            Cgroups cgroups;
            try {
                cgroups = backend.open("keelson-bench-guard", true, work);
            } catch (TestAbortedException e) {
                System.out.println("guard reaction on " + backend + ": skipped, " + e.getMessage());
                continue;
            }
            try {
                report(backend + " (" + cgroups.backend() + ")", run(cgroups, work.resolve("sessions")));
            } finally {
                cgroups.close();
            }
        }
        System.out.println("(the condition itself is seen at most one 100 ms tick after it arises)");
    }

    private static List<PolicyAction> run(Cgroups cgroups, Path sessions) throws Exception {
        SessionRegistry registry = new SessionRegistry(new ToolCallRunner(cgroups), sessions, Set.of("sh", "sleep"),
                CommandPolicy.DEFAULT_SEARCH_PATH);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        List<PolicyAction> actions = new CopyOnWriteArrayList<>();
        try {
            registry.create("high", Priority.HIGH, OptionalLong.empty(), Set.of("sh"));
            registry.create("low", Priority.LOW, OptionalLong.empty(), Set.of("sh", "sleep"));
            PressureGuard guard = new PressureGuard(registry, 260L << 20, cgroups.hasMemoryHigh(), actions::add);
            ticks.scheduleAtFixedRate(guard::tick, 0, 100, TimeUnit.MILLISECONDS);
            for (int round = 0; round < ROUNDS; round++) {
                String id = Integer.toString(round);
                CompletableFuture<?> low = CompletableFuture.runAsync(() -> registry.run("low", "l" + id, List.of("sh", "-c", "sleep 2"),
                        new SessionRegistry.Limit.SessionDefault(), Duration.ofSeconds(60), b -> { }));
                Thread.sleep(200);
                registry.run("high", "h" + id, List.of("sh", "-c", "{ head -c 150000000 /dev/zero; sleep 1; } | tail > /dev/null"),
                        new SessionRegistry.Limit.SessionDefault(), Duration.ofSeconds(60), b -> { });
                low.get(60, TimeUnit.SECONDS);
                Thread.sleep(1_200); // the growth window passes: the next round starts with nothing frozen
            }
        } finally {
            ticks.shutdownNow();
            registry.closeAll();
            cgroups.removeAll();
        }
        return actions;
    }

    private static void report(String backend, List<PolicyAction> actions) {
        for (PolicyAction.Kind kind : PolicyAction.Kind.values()) {
            List<Long> nanos = new ArrayList<>(actions.stream().filter(a -> a.kind() == kind).map(PolicyAction::reactionNanos).toList());
            if (nanos.isEmpty()) {
                System.out.printf(Locale.ROOT, "guard reaction on %s, %-8s: none in %d rounds%n", backend, kind, ROUNDS);
                continue;
            }
            Collections.sort(nanos);
            System.out.printf(Locale.ROOT, "guard reaction on %s, %-8s: %d actions in %d rounds, sample-to-write p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    backend, kind, nanos.size(), ROUNDS, nanos.get(nanos.size() / 2) / 1e6,
                    nanos.get(Math.max(0, (int) Math.ceil(0.99 * nanos.size()) - 1)) / 1e6, nanos.get(nanos.size() - 1) / 1e6);
        }
    }
}
