package io.keelson.agentcgroup.core.sim;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AgentCgroupPolicyTest {

    private static final long MB = 1_000_000;

    private static TenantSpec tenant(String name, Priority priority, double[] times, long... megabytes) {
        long[] bytes = new long[megabytes.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = megabytes[i] * MB;
        }
        return new TenantSpec(name, priority, times, bytes, 0);
    }

    @Test
    void aLowSessionHeldBackLongEnoughTakesWhatTheHostHasInsteadOfBeingFrozenAndKilled() {
        TenantSpec high = tenant("high", Priority.HIGH, new double[] {0, 100}, 900, 900);
        TenantSpec low = tenant("low", Priority.LOW, new double[] {0, 1, 5}, 20, 60, 60);
        // 80 MB free: the low session's 40 MB would leave less than the 50 MB watermark, so it is delayed first
        SimResult r = Simulator.run(Scenario.of(List.of(high, low), 1000 * MB, 1), Policies.agentCgroup());

        SimResult.TenantResult held = r.tenants().get(1);
        assertThat(held.survived()).isTrue();
        assertThat(held.delayedSeconds()).isBetween(AgentCgroupPolicy.STARVING_AFTER_SECONDS - 1, AgentCgroupPolicy.FREEZE_AFTER_SECONDS);
        assertThat(held.frozenSeconds()).isZero();
        assertThat(r.killed()).isZero();
    }

    @Test
    void theKernelsVictimIsTheLargestLowSessionAndAHighOneOnlyWhenItHoldsHalfTheHostMoreThanThat() {
        TenantSpec high = tenant("high", Priority.HIGH, new double[] {0, 5, 6, 30}, 300, 300, 680, 680);
        TenantSpec smallLow = tenant("small", Priority.LOW, new double[] {0, 30}, 100, 100);
        TenantSpec largeLow = tenant("large", Priority.LOW, new double[] {0, 30}, 300, 300);
        TenantSpec newestLow = tenant("newest", Priority.LOW, new double[] {0, 30}, 20, 20);
        // 300 + 100 + 300 + 20 MB fit in 1,000; the high session's burst to 680 does not: the largest low session goes,
        // which makes room for all the others (the newest, holding 20 MB, would not: a second would have to die)
        SimResult r = Simulator.run(Scenario.of(List.of(high, smallLow, largeLow, newestLow), 1000 * MB, 1), Policies.agentCgroup());
        assertThat(r.tenants()).extracting(SimResult.TenantResult::survived).containsExactly(true, true, false, true);
        assertThat(r.tenants().get(2).killedBecause()).hasValueSatisfying(why -> assertThat(why).startsWith("OOM"));

        // on 950 MB, a high session at 700 MB asking for 200 more, beside a low one holding 100: 700 > 100 + 950 / 2, so it
        // is the victim (protecting it would cost every other session, and one that needs most of the host usually dies anyway)
        TenantSpec outgrowing = tenant("high", Priority.HIGH, new double[] {0, 5, 10, 15, 20}, 100, 500, 700, 900, 900);
        SimResult outgrown = Simulator.run(Scenario.of(List.of(outgrowing, smallLow), 950 * MB, 1), Policies.agentCgroup());
        assertThat(outgrown.tenants()).extracting(SimResult.TenantResult::survived).containsExactly(false, true);
        assertThat(outgrown.tenants().get(0).killedBecause()).hasValueSatisfying(why -> assertThat(why).startsWith("OOM"));

        // beside a low session holding 300 MB the same high session is still protected (700 < 300 + 950 / 2)
        SimResult protectedHigh = Simulator.run(Scenario.of(List.of(outgrowing, largeLow), 950 * MB, 1), Policies.agentCgroup());
        assertThat(protectedHigh.tenants()).extracting(SimResult.TenantResult::survived).containsExactly(true, false);
    }
}
