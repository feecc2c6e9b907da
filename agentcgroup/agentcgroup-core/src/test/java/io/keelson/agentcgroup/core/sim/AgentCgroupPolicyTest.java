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
    void aHighSessionIsProtectedOnlyUpToItsShareOfTheHost() {
        TenantSpec low = tenant("low", Priority.LOW, new double[] {0, 30}, 300, 300);
        TenantSpec withinShare = tenant("high", Priority.HIGH, new double[] {0, 5, 10, 20}, 100, 500, 750, 750);
        TenantSpec beyondShare = tenant("high", Priority.HIGH, new double[] {0, 5, 10, 15, 20}, 100, 500, 700, 900, 900);

        // 750 + 300 MB do not fit in 1,000: the high session holds 500 MB (under 60 % of the host) when it runs out, so the low one goes
        SimResult protectedHigh = Simulator.run(Scenario.of(List.of(withinShare, low), 1000 * MB, 1), Policies.agentCgroup());
        assertThat(protectedHigh.tenants()).extracting(SimResult.TenantResult::survived).containsExactly(true, false);

        // at 700 MB (70 % of the host) it asks for 200 more: protecting it would cost every other session, so it is the victim
        SimResult outgrown = Simulator.run(Scenario.of(List.of(beyondShare, low), 1000 * MB, 1), Policies.agentCgroup());
        assertThat(outgrown.tenants()).extracting(SimResult.TenantResult::survived).containsExactly(false, true);
        assertThat(outgrown.tenants().get(0).killedBecause()).hasValueSatisfying(why -> assertThat(why).startsWith("OOM"));
    }
}
