package io.keelson.agentcgroup.core.live;

import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.policy.PressureKill;
import io.keelson.agentcgroup.core.sandbox.CommandPolicy;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;
import io.keelson.agentcgroup.core.sandbox.ToolCallResult;
import io.keelson.agentcgroup.core.sandbox.ToolCallRunner;
import io.keelson.agentcgroup.core.sim.Priority;
import io.keelson.agentcgroup.core.testing.TestCgroups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
 * AgentCgroup's policy (escalation, resumption, the kill path) and the baselines on live sessions, ticked every 100 ms as the service ticks them:
 * each one's effect on real processes, and the plain-words verdict a call it ended gets. Policies that need
 * memory.high or PSI run on the emulated backend (this build host's kernel has v1 memory: neither).
 */
class LivePoliciesTest {

    @TempDir
    Path work;
    private Cgroups cgroups;
    private SessionRegistry registry;
    private ScheduledExecutorService ticks;
    private final List<PolicyAction> actions = new CopyOnWriteArrayList<>();

    private void open(TestCgroups backend) {
        cgroups = backend.open("keelson-policies", false, work.resolve("scratch"));
        registry = new SessionRegistry(new ToolCallRunner(cgroups), work.resolve("sessions"), Set.of("sh", "sleep"), CommandPolicy.DEFAULT_SEARCH_PATH);
    }

    private void tickEvery100ms(HostPolicy policy) {
        ticks = Executors.newSingleThreadScheduledExecutor();
        ticks.scheduleAtFixedRate(policy::tick, 0, 100, TimeUnit.MILLISECONDS);
    }

    private ToolCallResult run(String session, String call, String script) {
        return registry.run(session, call, List.of("sh", "-c", script), new SessionRegistry.Limit.SessionDefault(), Duration.ofSeconds(60), b -> { });
    }

    private void awaitAction(PolicyAction.Kind kind) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (actions.stream().noneMatch(a -> a.kind() == kind) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
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
    void staticLimitsKillACallOverItsSessionsLimitAndSaySo(TestCgroups backend) throws Exception {
        open(backend);
        registry.create("s", Priority.LOW, OptionalLong.empty(), Set.of("sh"));
        FixedLimits policy = FixedLimits.staticLimit(registry, 48L << 20, actions::add);
        policy.tick();
        assertThat(actions).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(PolicyAction.Kind.LIMIT);
            assertThat(a.reason()).contains("memory.max 48 MiB");
        });
        assertThat(registry.get("s").orElseThrow().cgroup().memoryMax()).isEqualTo(48L << 20);

        ToolCallResult r = run("s", "hog", "{ head -c 200000000 /dev/zero; sleep 1; } | tail > /dev/null");
        assertThat(r.verdict()).isInstanceOfSatisfying(ToolCallResult.Verdict.OutOfMemory.class,
                oom -> assertThat(oom.scope()).isEqualTo(ToolCallResult.Verdict.OutOfMemory.Scope.SESSION));
        assertThat(r.verdict().explain()).contains("session's memory limit is 48 MiB");

        policy.release();
        assertThat(registry.get("s").orElseThrow().cgroup().memoryMax()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void kubernetesMemoryQosThrottlesAboveMemoryHighWithoutKilling() {
        open(TestCgroups.EMULATED);
        registry.create("s", Priority.LOW, OptionalLong.empty(), Set.of("sh"));
        // request 32 MiB, limit 512 MiB, factor 0.1: memory.high = 80 MiB, far below the call's 150 MB
        FixedLimits policy = FixedLimits.kubernetesMemoryQos(registry, 32L << 20, 512L << 20, 0.1, actions::add);
        policy.tick();
        assertThat(actions).singleElement().satisfies(a -> assertThat(a.reason()).contains("memory.max 512 MiB", "memory.high 80 MiB"));

        ToolCallResult r = run("s", "big", "{ head -c 150000000 /dev/zero; sleep 0.5; } | tail > /dev/null");
        assertThat(r.verdict()).isEqualTo(new ToolCallResult.Verdict.Completed(0));
        var session = registry.get("s").orElseThrow().cgroup();
        assertThat(session.memoryPressure().orElseThrow().someTotalMicros()).as("throttling shows as memory stall").isPositive();
        assertThat(session.oomKills()).isZero();
    }

    @Test
    void senpaiRaisesMemoryHighWhenTheSessionStalls() {
        open(TestCgroups.EMULATED);
        registry.create("s", Priority.LOW, OptionalLong.empty(), Set.of("sh"));
        tickEvery100ms(new SenpaiPolicy(registry, actions::add));
        // starts at 100 MiB (senpai's floor); a 200 MB working set stalls until senpai lets it grow
        ToolCallResult r = run("s", "grow", "{ head -c 200000000 /dev/zero; sleep 2; } | tail > /dev/null");
        assertThat(r.verdict()).isEqualTo(new ToolCallResult.Verdict.Completed(0));
        assertThat(actions).extracting(PolicyAction::reason).first().asString().contains("starts at the session's usage: 100 MiB");
        assertThat(actions).extracting(PolicyAction::reason).anySatisfy(reason -> assertThat(reason).contains("memory.high raised"));
        assertThat(registry.get("s").orElseThrow().cgroup().memoryHigh()).isGreaterThan(200_000_000L);
    }

    @Test
    void oomdKillsTheSessionUnderLastingPressureAndTheCallIsToldWhy() throws Exception {
        open(TestCgroups.EMULATED);
        registry.create("calm", Priority.LOW, OptionalLong.empty(), Set.of("sh"));
        registry.create("stalled", Priority.LOW, OptionalLong.empty(), Set.of("sh"));
        registry.get("stalled").orElseThrow().cgroup().limitMemoryHigh(32L << 20); // a working set far over it: reclaim stalls
        tickEvery100ms(new OomdPolicy(registry, new PressureKill<>(0.3, 1), actions::add));

        CompletableFuture<ToolCallResult> calm = CompletableFuture.supplyAsync(() -> run("calm", "c", "sleep 1; echo calm"));
        ToolCallResult r = run("stalled", "s", "{ head -c 100000000 /dev/zero; sleep 30; } | tail > /dev/null");
        assertThat(r.verdict()).isInstanceOfSatisfying(ToolCallResult.Verdict.KilledByPolicy.class,
                k -> assertThat(k.policy()).isEqualTo("oomd"));
        assertThat(r.verdict().explain()).contains("killed by the host's memory policy (oomd)", "memory pressure stayed above 30 % for 1 s");
        assertThat(r.wall()).isLessThan(Duration.ofSeconds(25));
        awaitAction(PolicyAction.Kind.KILL); // reported once the kill is written, which may be after the call saw it
        assertThat(actions).singleElement().satisfies(a -> {
            assertThat(a.session()).isEqualTo("stalled");
            assertThat(a.kind()).isEqualTo(PolicyAction.Kind.KILL);
        });
        assertThat(calm.join().output()).contains("calm");
    }

    @ParameterizedTest
    @EnumSource(TestCgroups.class)
    void agentCgroupThrottlesAndFreezesTheLowSessionDuringAHighBurstAndResumesItAfter(TestCgroups backend) throws Exception {
        open(backend);
        registry.create("high", Priority.HIGH, OptionalLong.empty(), Set.of("sh"));
        registry.create("low", Priority.LOW, OptionalLong.empty(), Set.of("sh", "sleep"));
        // a 260 MiB budget: the high call's burst (150 MB in well under a second) leaves too little for the low one to grow, not none
        tickEvery100ms(new PressureGuard(registry, 260L << 20, cgroups.hasMemoryHigh(), actions::add));

        CompletableFuture<ToolCallResult> low = CompletableFuture.supplyAsync(() -> run("low", "l1", "sleep 2; echo low-done"));
        Thread.sleep(300);
        // the high call grows steadily to 150 MB (tail keeps a line with no end in memory) and holds it for 2 s
        ToolCallResult high = run("high", "h1", "{ head -c 150000000 /dev/zero; sleep 2; } | tail > /dev/null");
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

    @Test
    void agentCgroupKillsTheLowSessionWhenTheHostIsAboutToRunOutAndTheCallIsToldWhy() throws Exception {
        open(TestCgroups.EMULATED);
        registry.create("high", Priority.HIGH, OptionalLong.empty(), Set.of("sh"));
        registry.create("low", Priority.LOW, OptionalLong.empty(), Set.of("sh", "sleep"));
        // a 300 MiB budget: the low call holds 150 MB, and the high call's burst to 170 MB leaves less than half the
        // watermark free; the kernel too would take the low session first (170 MB < 150 MB + half the budget)
        tickEvery100ms(new PressureGuard(registry, 300L << 20, true, actions::add));

        CompletableFuture<ToolCallResult> low = CompletableFuture.supplyAsync(() -> run("low", "l", "{ head -c 150000000 /dev/zero; sleep 30; } | tail > /dev/null"));
        Thread.sleep(1000);
        ToolCallResult high = run("high", "h", "{ head -c 170000000 /dev/zero; sleep 1; } | tail > /dev/null");
        ToolCallResult lowResult = low.get(60, TimeUnit.SECONDS);

        assertThat(high.verdict()).isEqualTo(new ToolCallResult.Verdict.Completed(0));
        assertThat(lowResult.verdict()).as("low call, guard actions %s", actions)
                .isInstanceOfSatisfying(ToolCallResult.Verdict.KilledByPolicy.class, k -> assertThat(k.policy()).isEqualTo("agentcgroup"));
        assertThat(lowResult.verdict().explain()).contains("about to run out of memory while a high-priority session grows");
        awaitAction(PolicyAction.Kind.KILL);
        assertThat(actions).filteredOn(a -> a.kind() == PolicyAction.Kind.KILL).singleElement()
                .satisfies(a -> assertThat(a.session()).isEqualTo("low"));
    }

    @Test
    void agentCgroupKillsNoLowSessionForAHighOneTheKernelWouldTakeFirst() throws Exception {
        open(TestCgroups.EMULATED);
        registry.create("high", Priority.HIGH, OptionalLong.empty(), Set.of("sh"));
        registry.create("low", Priority.LOW, OptionalLong.empty(), Set.of("sh", "sleep"));
        // a 200 MiB budget: the high call's burst to 200 MB runs it out, but it holds more than half the budget beyond
        // the low session (a sleep): protecting it is not worth a kill, the kernel's OOM killer would take it first
        tickEvery100ms(new PressureGuard(registry, 200L << 20, true, actions::add));

        CompletableFuture<ToolCallResult> low = CompletableFuture.supplyAsync(() -> run("low", "l", "sleep 3; echo low-done"));
        Thread.sleep(300);
        ToolCallResult high = run("high", "h", "{ head -c 200000000 /dev/zero; sleep 1; } | tail > /dev/null");
        ToolCallResult lowResult = low.get(60, TimeUnit.SECONDS);

        assertThat(high.verdict()).isEqualTo(new ToolCallResult.Verdict.Completed(0));
        assertThat(lowResult.output()).as("low call %s, guard actions %s", lowResult, actions).contains("low-done");
        assertThat(actions).as("high peak %s", high.peakBytes()).noneMatch(a -> a.kind() == PolicyAction.Kind.KILL)
                .anyMatch(a -> a.kind() == PolicyAction.Kind.FREEZE); // the budget did run short: it froze, it did not kill
    }
}
