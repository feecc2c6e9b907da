package io.keelson.agentcgroup.core.live;

import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.testing.TestCgroups;
import io.keelson.agentcgroup.core.sandbox.CommandPolicy;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;
import io.keelson.agentcgroup.core.sandbox.ToolCallResult;
import io.keelson.agentcgroup.core.sandbox.ToolCallRunner;
import io.keelson.agentcgroup.core.sim.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live policy on each cgroup backend: a high-priority call bursts into a small budget while a low-priority call
 * runs; the guard freezes the low session during the burst and thaws it after, and the low call still completes.
 * On the kernel backend, skipped (saying why) without a writable memory controller and cgroup.freeze.
 */
class PressureGuardTest {

    @TempDir
    Path work;
    private Cgroups cgroups;
    private SessionRegistry registry;
    private ScheduledExecutorService ticks;

    private void open(TestCgroups backend) {
        cgroups = backend.open("keelson-guard", true, work.resolve("scratch"));
        registry = new SessionRegistry(new ToolCallRunner(cgroups), work.resolve("sessions"), Set.of("sh", "sleep"), CommandPolicy.DEFAULT_SEARCH_PATH);
    }

    @AfterEach
    void tearDown() {
        if (ticks != null) {
            ticks.shutdownNow();
        }
        if (registry != null) {
            registry.closeAll();
        }
        if (cgroups != null) {
            cgroups.removeAll();
            cgroups.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestCgroups.class)
    void aLowSessionIsFrozenDuringAHighBurstAndThawedAfter(TestCgroups backend) throws Exception {
        open(backend);
        registry.create("high", Priority.HIGH, OptionalLong.empty(), Set.of("sh"));
        registry.create("low", Priority.LOW, OptionalLong.empty(), Set.of("sh", "sleep"));
        List<PolicyAction> actions = new CopyOnWriteArrayList<>();
        // a 260 MiB budget: the high call's burst (150 MB in well under a second) leaves too little for the low one to grow, not none
        PressureGuard guard = new PressureGuard(registry, 260L << 20, cgroups.hasMemoryHigh(), actions::add);
        ticks = Executors.newSingleThreadScheduledExecutor();
        ticks.scheduleAtFixedRate(guard::tick, 0, 100, TimeUnit.MILLISECONDS);

        CompletableFuture<ToolCallResult> low = CompletableFuture.supplyAsync(() -> registry.run("low", "l1",
                List.of("sh", "-c", "sleep 2; echo low-done"), new SessionRegistry.Limit.SessionDefault(), Duration.ofSeconds(60), b -> { }));
        Thread.sleep(300);
        // the high call grows steadily to 150 MB (tail keeps a line with no end in memory) and holds it for 2 s
        ToolCallResult high = registry.run("high", "h1", List.of("sh", "-c", "{ head -c 150000000 /dev/zero; sleep 2; } | tail > /dev/null"),
                new SessionRegistry.Limit.SessionDefault(), Duration.ofSeconds(60), b -> { });
        assertThat(high.exitCode()).isZero();
        ToolCallResult lowResult = low.get(60, TimeUnit.SECONDS);
        assertThat(lowResult.output()).as("low call: %s; guard actions: %s; high peak %s", lowResult, actions, high.peakBytes()).contains("low-done");

        // throttle first where memory.high exists, then freeze; thaw, then lift the throttle
        List<PolicyAction.Kind> escalation = cgroups.hasMemoryHigh()
                ? List.of(PolicyAction.Kind.THROTTLE, PolicyAction.Kind.FREEZE, PolicyAction.Kind.THAW, PolicyAction.Kind.RESUME)
                : List.of(PolicyAction.Kind.FREEZE, PolicyAction.Kind.THAW);
        assertThat(actions).as("high call %s", high).extracting(PolicyAction::kind).containsSubsequence(escalation).startsWith(escalation.get(0));
        assertThat(actions).allSatisfy(a -> assertThat(a.session()).isEqualTo("low"));
        assertThat(actions).noneMatch(a -> a.kind() == PolicyAction.Kind.KILL);
        assertThat(lowResult.wall()).isGreaterThan(Duration.ofSeconds(2)); // it waited while frozen
    }
}
