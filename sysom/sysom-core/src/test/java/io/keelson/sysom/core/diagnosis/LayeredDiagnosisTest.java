package io.keelson.sysom.core.diagnosis;

import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.xfault.ClusterSimulator;
import io.keelson.sysom.core.xfault.Culprit;
import io.keelson.sysom.core.xfault.Fault;
import io.keelson.sysom.core.xfault.FaultClass;
import io.keelson.sysom.core.xfault.Topology;
import io.keelson.sysom.core.xfault.XFaultFixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LayeredDiagnosisTest {

    private final LayeredDiagnosis diagnosis = new LayeredDiagnosis(LayeredDiagnosis.Settings.defaults());

    private static List<List<RankStep>> window(List<Fault> faults, int steps) {
        ClusterSimulator sim = new ClusterSimulator(ClusterSimulator.Config.of(new Topology(8, 4, 2), XFaultFixture.profile(), 11), faults);
        List<List<RankStep>> all = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            List<RankStep> step = sim.step();
            if (!step.isEmpty()) {
                all.add(step);
            }
        }
        return all.subList(Math.max(0, all.size() - 4), all.size());
    }

    @Test
    void aHealthyJobHasNoFindings() {
        assertThat(diagnosis.diagnose(window(List.of(), 8)).healthy()).isTrue();
    }

    @Test
    void eachSlowingFaultIsFoundWithItsClassAtTheLayerThatExplainsIt() {
        record Case(Fault fault, Layer layer) {
        }
        for (Case c : List.of(new Case(new Fault.GpuStraggler(9, 0.15, 0), Layer.L2_KERNELS),
                new Case(new Fault.DataLoaderStall(17, 0.15, 0), Layer.L3_CPU_STACKS),
                new Case(new Fault.MemoryPressure(33, 0.15, 0), Layer.L3_CPU_STACKS),
                new Case(new Fault.CpuContention(40, 0.15, 0), Layer.L4_OS),
                new Case(new Fault.PcieNicDegradation(50, 0.15, 0), Layer.L1_COLLECTIVES),
                new Case(new Fault.SlowLink(4, 8, 0.15, 0), Layer.L1_COLLECTIVES))) {
            Report report = diagnosis.diagnose(window(List.of(c.fault()), 6));
            assertThat(report.findings()).as(c.fault().toString()).hasSize(1);
            Finding f = report.findings().get(0);
            assertThat(f.culprit()).isEqualTo(c.fault().culprit());
            assertThat(f.faultClass()).isEqualTo(c.fault().faultClass());
            assertThat(f.layer()).as(c.fault().toString()).isEqualTo(c.layer());
            assertThat(f.evidence()).as("evidence chain of " + c.fault()).isNotEmpty();
        }
    }

    @Test
    void theEvidenceChainCarriesTheNumbersEachLayerUsed() {
        Finding f = diagnosis.diagnose(window(List.of(new Fault.GpuStraggler(9, 0.2, 0)), 6)).findings().get(0);
        assertThat(f.evidence()).extracting(Evidence::layer).contains(Layer.L0_STEP_TIME, Layer.L1_COLLECTIVES, Layer.L2_KERNELS);
        Evidence busy = f.evidence().get(0);
        assertThat(busy.value() / busy.peerMedian()).isBetween(1.15, 1.25);
        Evidence late = f.evidence().stream().filter(e -> e.layer() == Layer.L1_COLLECTIVES).findFirst().orElseThrow();
        assertThat(late.value()).isPositive(); // it arrives after its group's median: the others wait for it
        Evidence kernels = f.evidence().stream().filter(e -> e.layer() == Layer.L2_KERNELS).findFirst().orElseThrow();
        assertThat(kernels.value()).isGreaterThan(kernels.peerMedian());
        assertThat(f.slowdown()).isBetween(0.15, 0.25);
    }

    @Test
    void aHangNamesTheRankThatNeverArrived() {
        Report report = diagnosis.diagnose(window(List.of(new Fault.CollectiveHang(21, 5)), 8));
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.culprit()).isEqualTo(new Culprit.Rank(21));
            assertThat(f.faultClass()).isEqualTo(FaultClass.COLLECTIVE_HANG);
            assertThat(f.evidence().get(0).reading()).contains("never arrived");
        });
    }

    @Test
    void oneStepOfAHealthyTransientIsNotReported() {
        // a fault that lasts two steps only (onset at the window's third step) is below the three-step bar
        List<List<RankStep>> w = window(List.of(new Fault.GpuStraggler(9, 0.5, 4)), 6);
        assertThat(diagnosis.diagnose(w).healthy()).isTrue();
    }
}
