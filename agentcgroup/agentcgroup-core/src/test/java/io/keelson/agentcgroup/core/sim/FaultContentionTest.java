package io.keelson.agentcgroup.core.sim;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Tenants faulting in memory at once share the host's CPUs by weight, at most one each. */
class FaultContentionTest {

    private static final long MB = 1_000_000;

    /** Both start with 400 MB at once (faulted in at 4 GB/s per CPU: 0.1 s alone) and then hold it. */
    private static List<TenantSpec> twoTenants() {
        return List.of(new TenantSpec("high", Priority.HIGH, new double[] {0, 0.1, 10}, new long[] {0, 400 * MB, 400 * MB}, 0),
                new TenantSpec("low", Priority.LOW, new double[] {0, 0.1, 10}, new long[] {0, 400 * MB, 400 * MB}, 0));
    }

    private static double stallSeconds(SimResult r, int tenant) {
        return r.tenants().get(tenant).p95StallMillis() / 1000;
    }

    /** 1 ms ticks: shares are set each tick, so a CPU freed mid-tick would otherwise idle until the next. */
    private static Scenario on(int cores) {
        return new Scenario(twoTenants(), 10_000 * MB, 0.001, 0.05, 1e9, 4e9, cores, 60, 1);
    }

    @Test
    void withACpuEachNeitherWaitsForTheOther() {
        SimResult r = Simulator.run(on(2), Policies.none());
        assertThat(stallSeconds(r, 0)).isCloseTo(0.1, within(1e-3));
        assertThat(stallSeconds(r, 1)).isCloseTo(0.1, within(1e-3));
    }

    @Test
    void onOneCpuEqualWeightsHalveEachOnesRate() {
        SimResult r = Simulator.run(on(1), Policies.none());
        assertThat(stallSeconds(r, 0)).isCloseTo(0.2, within(1e-3));
        assertThat(stallSeconds(r, 1)).isCloseTo(0.2, within(1e-3));
    }

    @Test
    void onOneCpuTheHighSessionsWeightGetsItThreeQuartersUntilItIsDone() {
        SimResult r = Simulator.run(on(1), Policies.agentCgroup());
        // 150 against 50: the high one faults at 3 GB/s (0.133 s); the low one got 1 GB/s meanwhile, then the whole CPU
        assertThat(stallSeconds(r, 0)).isCloseTo(0.4 / 3, within(1e-3));
        assertThat(stallSeconds(r, 1)).isCloseTo(0.2, within(1e-3));
    }

    @Test
    void aCpuTheCappedTenantsCannotUseGoesToTheOthers() {
        Host host = new Host(Scenario.of(List.of(twoTenants().get(0), twoTenants().get(1), twoTenants().get(1).named("low2", Priority.LOW)),
                10_000 * MB, 1), 1, 1);
        host.tenants().forEach(t -> t.faultLeft = MB);
        Simulator.shareCpus(host, Policies.agentCgroup(), 2); // 150/50/50 on 2: the high one is capped at 1, the lows split 1
        assertThat(host.tenants()).extracting(t -> t.faultShare).containsExactly(1.0, 0.5, 0.5);
        Simulator.shareCpus(host, Policies.none(), 2);
        assertThat(host.tenants()).extracting(t -> t.faultShare).allSatisfy(s -> assertThat(s).isCloseTo(2.0 / 3, within(1e-12)));
    }
}
