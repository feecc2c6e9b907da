package io.keelson.sysom.core.timeline;

import io.keelson.sysom.core.Medians;
import io.keelson.sysom.core.trace.HostSample;
import io.keelson.sysom.core.trace.NcclEvent;
import io.keelson.sysom.core.xfault.ClusterSimulator;
import io.keelson.sysom.core.xfault.Fault;
import io.keelson.sysom.core.xfault.Topology;
import io.keelson.sysom.core.xfault.XFaultFixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CollectiveTrafficTest {

    private static List<List<RankStep>> simulated(Fault fault) {
        ClusterSimulator sim = new ClusterSimulator(ClusterSimulator.Config.of(new Topology(8, 4, 2), XFaultFixture.profile(), 3), List.of(fault));
        List<List<RankStep>> steps = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            List<RankStep> step = sim.step();
            if (!step.isEmpty()) {
                steps.add(step);
            }
        }
        return steps;
    }

    @Test
    void busBandwidthIsTheRingSendsBytesOverItsTime() {
        // 4 ranks of one all-reduce ring: 100 MB each, every send 1 ms (rank 2's 4 ms); nccl-tests: busbw = S * 2(n-1)/n / t
        List<RankStep> step = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            double send = r == 2 ? 4000 : 1000;
            NcclEvent e = new NcclEvent("dp0", "allreduce", 0, 100_000_000, r, (r + 1) % 4, 10 * r, 5000, send);
            step.add(new RankStep(r, 0, 0, 6000, List.of(e), 900, 0, Map.of(), new HostSample(0, 0, 0)));
        }
        CollectiveTraffic.Summary s = CollectiveTraffic.of(List.of(step));

        assertThat(s.edges()).hasSize(4);
        assertThat(s.edges().get(0)).isEqualTo(new CollectiveTraffic.Edge("dp0", 0, 1, 1, 100_000_000, 1000, 150));
        assertThat(s.edges().get(2).busGigabytesPerSecond()).isCloseTo(37.5, within(1e-9));
        // the last to arrive (rank 3, at 30 µs) waited nothing; rank 0 waited 30 µs and transferred the rest
        assertThat(s.ranks().get(3).waitMicros()).isZero();
        assertThat(s.ranks().get(0).waitMicros()).isEqualTo(30);
        assertThat(s.ranks().get(0).transferMicros()).isEqualTo(4970);
    }

    @Test
    void theFactorFollowsNcclTests() {
        assertThat(CollectiveTraffic.busFactor("allreduce", 8)).isEqualTo(1.75);
        assertThat(CollectiveTraffic.busFactor("all_gather", 8)).isEqualTo(0.875);
        assertThat(CollectiveTraffic.busFactor("reduce_scatter", 4)).isEqualTo(0.75);
        assertThat(CollectiveTraffic.busFactor("broadcast", 8)).isEqualTo(1);
        assertThat(CollectiveTraffic.busFactor("allreduce", 1)).isEqualTo(1);
    }

    @Test
    void aSlowLinkIsTheEdgeWithLowBandwidthAndAStragglerIsWhoTheOthersWaitFor() {
        List<CollectiveTraffic.Edge> edges = CollectiveTraffic.of(simulated(new Fault.SlowLink(4, 8, 0.3, 0))).edges();
        CollectiveTraffic.Edge slow = edges.stream().filter(e -> e.fromRank() == 4 && e.toRank() == 8).findFirst().orElseThrow();
        List<CollectiveTraffic.Edge> peers = edges.stream().filter(e -> e.communicator().equals(slow.communicator()) && e != slow).toList();
        double median = Medians.of(peers.stream().mapToDouble(CollectiveTraffic.Edge::busGigabytesPerSecond).toArray());
        assertThat(slow.busGigabytesPerSecond()).isLessThan(0.9 * median);

        List<CollectiveTraffic.RankTraffic> ranks = CollectiveTraffic.of(simulated(new Fault.GpuStraggler(9, 0.3, 0))).ranks();
        CollectiveTraffic.RankTraffic straggler = ranks.stream().filter(r -> r.rank() == 9).findFirst().orElseThrow();
        double othersWait = Medians.of(ranks.stream().filter(r -> r.rank() != 9).mapToDouble(CollectiveTraffic.RankTraffic::waitMicros).toArray());
        assertThat(straggler.waitMicros()).isLessThan(othersWait);
    }
}
