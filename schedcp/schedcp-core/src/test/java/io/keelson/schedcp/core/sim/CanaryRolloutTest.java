package io.keelson.schedcp.core.sim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CanaryRolloutTest {

    @Test
    void theBreakerRevertsARegressingPolicyToTheLastKnownGoodOne() {
        CanaryRollout.Outcome o = CanaryRollout.roll(Policies::fair, Policies::fifo, Workloads::latency, 2, 5, 0.10);
        assertThat(o).isInstanceOfSatisfying(CanaryRollout.Reverted.class, r -> {
            assertThat(r.restored()).isEqualTo("fair");
            assertThat(r.candidate()).isEqualTo("fifo");
            assertThat(r.windows()).hasSize(1); // tripped in the first window, not after all five
            assertThat(r.windows().get(0).regression()).isGreaterThan(0.10);
            assertThat(r.reason()).contains("window 0", "fair restored");
        });
    }

    @Test
    void aCandidateThatHoldsIsPromotedAfterEveryWindow() {
        CanaryRollout.Outcome o = CanaryRollout.roll(Policies::fair, Policies::edf, Workloads::latency, 2, 5, 0.10);
        assertThat(o).isInstanceOf(CanaryRollout.Promoted.class);
        assertThat(o.windows()).hasSize(5).allSatisfy(w -> assertThat(w.candidateP99Micros()).isLessThanOrEqualTo(w.knownGoodP99Micros()));
    }
}
