package io.keelson.sysom.core.timeline;

import io.keelson.sysom.core.diagnosis.Finding;
import io.keelson.sysom.core.diagnosis.LayeredDiagnosis;
import io.keelson.sysom.core.xfault.ClusterSimulator;
import io.keelson.sysom.core.xfault.Fault;
import io.keelson.sysom.core.xfault.Topology;
import io.keelson.sysom.core.xfault.XFaultFixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Agents' clocks are not the job's: one rank runs 30 ms behind, another's clock jumps 2 s ahead in the middle of the
 * job (an NTP step). The store puts every complete step back on one clock, so what it keeps - and the diagnosis made
 * from it - is what the same job reported on a shared clock.
 */
class JobStoreClockTest {

    private static final Topology TOPOLOGY = new Topology(4, 2, 2);

    /** Rank r's clock at step s, minus the true time. */
    private static double skew(int rank, int step) {
        return rank == 3 ? -30_000 : rank == 13 && step >= 4 ? 2_000_000 : 0;
    }

    @Test
    void skewedAndJumpingClocksAreAlignedPerStepAndChangeNoFinding() {
        ClusterSimulator sim = new ClusterSimulator(ClusterSimulator.Config.of(TOPOLOGY, XFaultFixture.profile(), 5),
                List.of(new Fault.GpuStraggler(6, 0.2, 2)));
        JobStore store = new JobStore();
        List<List<RankStep>> truth = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            List<RankStep> step = sim.step();
            truth.add(step);
            for (RankStep r : step) {
                store.add("skewed", TOPOLOGY.ranks(), r.shifted(-skew(r.rank(), r.step())));
            }
        }

        List<List<RankStep>> kept = store.window("skewed", 8).orElseThrow();
        assertThat(kept).hasSize(8);
        for (int s = 0; s < 8; s++) {
            for (RankStep k : kept.get(s)) {
                RankStep t = truth.get(s).stream().filter(r -> r.rank() == k.rank()).findFirst().orElseThrow();
                assertThat(k.startMicros()).as("step %d rank %d", s, k.rank()).isCloseTo(t.startMicros(), within(1e-3));
                assertThat(k.collectives().get(0).startMicros()).isCloseTo(t.collectives().get(0).startMicros(), within(1e-3));
            }
        }

        LayeredDiagnosis diagnosis = new LayeredDiagnosis(LayeredDiagnosis.Settings.defaults());
        List<Finding> aligned = diagnosis.diagnose(kept.subList(4, 8)).findings();
        assertThat(aligned).isEqualTo(diagnosis.diagnose(truth.subList(4, 8)).findings());
        assertThat(aligned).singleElement().satisfies(f -> assertThat(f.culprit()).isEqualTo(new io.keelson.sysom.core.xfault.Culprit.Rank(6)));
    }

    @Test
    void withoutAlignmentTheJumpWouldBeTakenForALateRank() {
        ClusterSimulator sim = new ClusterSimulator(ClusterSimulator.Config.of(TOPOLOGY, XFaultFixture.profile(), 5), List.of());
        List<List<RankStep>> raw = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            raw.add(sim.step().stream().map(r -> r.shifted(-skew(r.rank(), r.step()))).toList());
        }
        // the same reports without the store's alignment: rank 13 seems to arrive 2 s after its groups (this is what alignment prevents)
        double lateness = raw.get(5).stream().filter(r -> r.rank() == 13).findFirst().orElseThrow().collectives().get(0).startMicros()
                - raw.get(5).stream().filter(r -> r.rank() == 12).findFirst().orElseThrow().collectives().get(0).startMicros();
        assertThat(lateness).isGreaterThan(1_000_000);
        assertThat(ClockAlignment.ofStep(raw.get(5), 0).get(13)).isCloseTo(2_000_000, within(1e-3));
        assertThat(ClockAlignment.ofStep(raw.get(5), 0).get(3)).isCloseTo(-30_000, within(1e-3));
    }
}
