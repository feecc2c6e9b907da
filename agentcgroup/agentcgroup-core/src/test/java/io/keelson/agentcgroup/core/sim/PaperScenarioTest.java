package io.keelson.agentcgroup.core.sim;

import io.keelson.agentcgroup.core.trace.TraceReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The study's multi-tenant scenario: dask#11628 as the high-priority tenant and github3.py#673 twice as low-priority
 * ones, every policy replayed in the same run. Each tenant's footprint is its trace plus a 100 MB replay process,
 * which gives the peaks the study reports (421 MB and 406 MB for traces peaking at 321 and 306 MB).
 */
class PaperScenarioTest {

    private static final Path SCENARIO = Path.of("../testdata/agentcgroup-traces/paper-scenario");
    private static final long BASE = 100_000_000L;

    static List<TenantSpec> tenants() {
        TraceReader reader = new TraceReader();
        TenantSpec high = TenantSpec.of(reader.read(SCENARIO.resolve("dask__dask-11628")), Priority.HIGH, BASE);
        TenantSpec low = TenantSpec.of(reader.read(SCENARIO.resolve("sigmavirus24__github3.py-673")), Priority.LOW, BASE);
        return List.of(high, low.named("github3-a", Priority.LOW), low.named("github3-b", Priority.LOW));
    }

    private static Map<String, SimResult> runAll(long capacityMb) {
        Scenario scenario = Scenario.of(tenants(), capacityMb * 1_000_000L, 42);
        return Policies.all().stream().map(p -> Simulator.run(scenario, p))
                .collect(Collectors.toMap(SimResult::policy, Function.identity()));
    }

    @Test
    void theTenantsPeakWhereTheStudySaysTheyDo() {
        assertThat(tenants()).extracting(t -> t.peak() / 1_000_000).containsExactly(420L, 405L, 405L); // 420.9 and 405.5 MB
    }

    @Test
    void at1100MbStaticLimitsKillATenantAndOursKillsNoneWithinFivePercentSlowdown() {
        Map<String, SimResult> results = runAll(1100);
        SimResult ours = results.get(Policies.agentCgroup().name());
        assertThat(ours.killed()).isZero();
        assertThat(ours.highSlowdown()).isLessThanOrEqualTo(0.05);
        assertThat(ours.injectedDelaySeconds()).isPositive(); // it had to hold low-priority tenants back
        assertThat(results.get(Policies.staticAtPeak().name()).killed()).isGreaterThanOrEqualTo(1);
        assertThat(results.get(Policies.staticAtAverage().name()).killed()).isGreaterThanOrEqualTo(1);
        assertThat(results.get(Policies.none().name()).killed()).isGreaterThanOrEqualTo(1);
        // KEP-2570's livelock: memory.high below a working set's peak stalls the tenant for good
        assertThat(results.get(Policies.kubernetesMemoryQos(0.9).name()).tenants())
                .anySatisfy(t -> assertThat(t.killedBecause()).hasValueSatisfying(r -> assertThat(r).startsWith("livelock")));
        results.values().stream().filter(r -> r != ours).forEach(r -> assertThat(ours.survival()).isGreaterThanOrEqualTo(r.survival()));
    }

    @Test
    void at1300MbReplayedAsTheStudyDidOursLowersTheHighTenantsP95AllocationStallWhereCpusAreShort() {
        // the study replayed 100x faster than recorded: page faults of the three tenants then overlap; on 2 CPUs
        // three faulting tenants contend, and ours gives the high one a CPU first (its weight 150 against 50)
        Scenario twoCpus = Scenario.of(tenants(), 1_300_000_000L, 42).replayed(100, 2);
        SimResult none = Simulator.run(twoCpus, Policies.none());
        SimResult ours = Simulator.run(twoCpus, Policies.agentCgroup());
        assertThat(ours.killed()).isZero();
        assertThat(ours.highP95StallMillis()).isLessThan(none.highP95StallMillis());
        // with a CPU for each there is nothing to win, and at the traces' own pace allocations hardly overlap
        Scenario fourCpus = Scenario.of(tenants(), 1_300_000_000L, 42).replayed(100, 4);
        assertThat(Simulator.run(fourCpus, Policies.agentCgroup()).highP95StallMillis())
                .isEqualTo(Simulator.run(fourCpus, Policies.none()).highP95StallMillis());
        Scenario ownPace = Scenario.of(tenants(), 1_300_000_000L, 42);
        assertThat(Simulator.run(ownPace, Policies.agentCgroup()).highP95StallMillis())
                .isEqualTo(Simulator.run(ownPace, Policies.none()).highP95StallMillis());
    }

    @Test
    void ourPolicyNeverKillsTheHighPriorityTenantFirst() {
        SimResult ours = Simulator.run(Scenario.of(tenants(), 900_000_000L, 7), Policies.agentCgroup());
        assertThat(ours.tenants().get(0).survived()).isTrue(); // at 900 MB something must give: never the high tenant
    }

    @Test
    void theSameSeedGivesTheSameResultAndEveryPolicyRunsOnTheSameInput() {
        for (Policy p : Policies.all()) {
            SimResult a = Simulator.run(Scenario.of(tenants(), 1_100_000_000L, 42), p);
            SimResult b = Simulator.run(Scenario.of(tenants(), 1_100_000_000L, 42), policyNamed(p.name()));
            assertThat(b).as(p.name()).isEqualTo(a);
        }
    }

    private static Policy policyNamed(String name) {
        return Policies.all().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }
}
