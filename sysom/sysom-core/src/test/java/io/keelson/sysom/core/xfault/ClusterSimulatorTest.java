package io.keelson.sysom.core.xfault;

import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.NcclEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClusterSimulatorTest {

    private static final Topology TOPOLOGY = new Topology(4, 2, 2);

    private static List<RankStep> run(List<Fault> faults, int steps, long seed) {
        ClusterSimulator sim = new ClusterSimulator(ClusterSimulator.Config.of(TOPOLOGY, XFaultFixture.profile(), seed), faults);
        List<RankStep> last = List.of();
        for (int s = 0; s < steps; s++) {
            last = sim.step();
        }
        return last;
    }

    @Test
    void theKernelsComeFromTheRealTraceAndTheGroupsFollowMegatronsOrder() {
        KernelProfile profile = XFaultFixture.profile();
        assertThat(profile.layers()).isEqualTo(8);
        assertThat(profile.computeMicros()).isGreaterThan(1000);
        assertThat(TOPOLOGY.tpGroups()).first().isEqualTo(List.of(0, 1));
        assertThat(TOPOLOGY.dpGroups()).first().isEqualTo(List.of(0, 2, 4, 6));
        assertThat(TOPOLOGY.ppPairs()).first().isEqualTo(List.of(0, 8));
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedADifferentOne() {
        assertThat(run(List.of(), 3, 7)).isEqualTo(run(List.of(), 3, 7));
        assertThat(run(List.of(), 3, 7).get(5).busyMicros()).isNotEqualTo(run(List.of(), 3, 8).get(5).busyMicros());
    }

    @Test
    void aGpuStragglerDoesMoreWorkWhileItsPeersWaitForItInTheCollectives() {
        List<RankStep> healthy = run(List.of(), 3, 1);
        List<RankStep> faulty = run(List.of(new Fault.GpuStraggler(3, 0.3, 0)), 3, 1);
        double healthyBusy = healthy.get(3).busyMicros();
        assertThat(faulty.get(3).busyMicros() / healthyBusy).isCloseTo(1.3, within(0.05));
        assertThat(faulty.get(3).computeMicros()).isGreaterThan(1.2 * healthy.get(3).computeMicros());
        // rank 1 shares rank 3's data-parallel ring: its own work is unchanged, its time in collectives grows
        assertThat(faulty.get(1).busyMicros()).isCloseTo(healthy.get(1).busyMicros(), within(0.01 * healthyBusy));
        double waitHealthy = healthy.get(1).collectives().stream().mapToDouble(NcclEvent::durationMicros).sum();
        double waitFaulty = faulty.get(1).collectives().stream().mapToDouble(NcclEvent::durationMicros).sum();
        assertThat(waitFaulty - waitHealthy).isGreaterThan(0.2 * healthyBusy);
    }

    @Test
    void aSlowLinkSlowsOnlyItsOwnSend() {
        List<RankStep> healthy = run(List.of(), 2, 4);
        List<RankStep> faulty = run(List.of(new Fault.SlowLink(2, 4, 0.5, 0)), 2, 4);
        NcclEvent slow = dp(faulty.get(2));
        assertThat(slow.peer()).isEqualTo(4);
        assertThat(slow.sendMicros() / dp(healthy.get(2)).sendMicros()).isCloseTo(1.5, within(0.01));
        assertThat(dp(faulty.get(4)).sendMicros()).isEqualTo(dp(healthy.get(4)).sendMicros());
    }

    @Test
    void aHangLeavesTheCollectiveOpenAndStopsTheJob() {
        ClusterSimulator sim = new ClusterSimulator(ClusterSimulator.Config.of(TOPOLOGY, XFaultFixture.profile(), 3),
                List.of(new Fault.CollectiveHang(5, 1)));
        assertThat(sim.step()).allMatch(RankStep::completed);
        List<RankStep> hung = sim.step();
        assertThat(sim.hung()).isTrue();
        assertThat(hung.get(5).completed()).isFalse();
        assertThat(hung.get(5).collectives()).noneMatch(e -> e.communicator().startsWith("dp"));
        assertThat(dp(hung.get(7))).satisfies(e -> assertThat(e.completed()).isFalse());
        assertThat(sim.step()).isEmpty();
    }

    @Test
    void aFaultNamingARankOutsideTheJobIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClusterSimulator(ClusterSimulator.Config.of(TOPOLOGY,
                XFaultFixture.profile(), 1), List.of(new Fault.GpuStraggler(16, 0.1, 0)))).hasMessageContaining("outside 16 ranks");
    }

    private static NcclEvent dp(RankStep s) {
        return s.collectives().stream().filter(e -> e.communicator().startsWith("dp")).findFirst().orElseThrow();
    }
}
