package io.keelson.schedcp.core.sim;

import io.keelson.schedcp.core.verify.PolicyVerifier;
import io.keelson.schedcp.core.verify.VerificationReport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyDslTest {

    private static final long HOUR = 3_600_000_000L;

    @Test
    void anAgentsLongestFirstPolicyRunsLikeTheBuiltInOne() {
        PolicyDsl.Definition ljf = PolicyDsl.parse("policy longest_first   # SchedCP's batch win\norder by work desc, arrival asc\nslice to-completion\n");
        assertThat(ljf.name()).isEqualTo("longest_first");
        assertThat(Simulator.run(2, Workloads.batch(), ljf.instantiate(), HOUR).makespanMicros()).isEqualTo(25_000_000);

        PolicyDsl.Definition fair = PolicyDsl.parse("policy my_fair\norder by vruntime\nslice 3ms\n");
        assertThat(fair.fair()).isTrue();
        SimResult mine = Simulator.run(2, Workloads.latency(4), fair.instantiate(), HOUR);
        SimResult builtIn = Simulator.run(2, Workloads.latency(4), Policies.fair(), HOUR);
        assertThat(mine.tasks()).isEqualTo(builtIn.tasks());
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> PolicyDsl.parse("policy x\norder by work, priority desc\n")).isInstanceOfSatisfying(PolicyDsl.SyntaxError.class, e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.column()).isEqualTo(16);
            assertThat(e.getMessage()).contains("unknown key 'priority'");
        });
        assertThatThrownBy(() -> PolicyDsl.parse("policy x\norder by work\nslice 3 ms\n")).hasMessageStartingWith("line 3, column 7:");
        assertThatThrownBy(() -> PolicyDsl.parse("policy x\n  ordr by work\n")).hasMessageStartingWith("line 2, column 3:");
        assertThatThrownBy(() -> PolicyDsl.parse("order by work\n")).hasMessageContaining("starts with 'policy NAME'");
        assertThatThrownBy(() -> PolicyDsl.parse("policy x\nslice 1ms\n")).hasMessageContaining("missing 'order by");
        assertThatThrownBy(() -> PolicyDsl.parse("policy x\norder by work upward\n")).hasMessageContaining("asc or desc");
    }

    @Test
    void theVerifierRejectsAStarvingPolicyWithTheStarvedTaskAndPassesAFairOne() {
        VerificationReport starving = PolicyVerifier.verify("policy shortest\norder by work asc\nslice to-completion\n");
        assertThat(starving.accepted()).isFalse();
        assertThat(starving.stages()).extracting(VerificationReport.Stage::outcome)
                .containsExactly(VerificationReport.Outcome.PASSED, VerificationReport.Outcome.REJECTED, VerificationReport.Outcome.SKIPPED);
        assertThat(starving.stages().get(1).detail()).contains("task 0 (long)", "starvation-probe");

        VerificationReport fair = PolicyVerifier.verify("policy my_fair\norder by vruntime\nslice 3ms\n");
        assertThat(fair.accepted()).isTrue();
        assertThat(fair.stages().get(1).detail()).contains("batch-39+1: makespan", "p99 wakeup");

        VerificationReport broken = PolicyVerifier.verify("policy x\norder by nothing\n");
        assertThat(broken.stages()).singleElement().satisfies(s -> assertThat(s.detail()).contains("line 2, column 10"));
    }
}
