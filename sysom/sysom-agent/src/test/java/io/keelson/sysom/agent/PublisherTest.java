package io.keelson.sysom.agent;

import io.keelson.sysom.core.xfault.ClusterSimulator;
import io.keelson.sysom.core.xfault.KernelProfile;
import io.keelson.sysom.core.xfault.Topology;
import io.keelson.sysom.v1.StepReport;
import io.keelson.sysom.v1.StreamEventsResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PublisherTest {

    @Test
    void stepsGoOutAsOneStreamWithTheBearerToken() throws Exception {
        try (FakeSysom sysom = new FakeSysom(0)) {
            var steps = new ClusterSimulator(ClusterSimulator.Config.of(new Topology(2, 2, 2), KernelProfile.bundled(), 1), List.of()).step();
            StreamEventsResponse r = sysom.publisher("kt_secret").publish("job-1", 8, steps);
            assertThat(r.getAccepted()).isEqualTo(8);
            assertThat(sysom.authorization.get()).isEqualTo("Bearer kt_secret");
            assertThat(sysom.received).extracting(StepReport::getRank).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
            assertThat(sysom.received.get(3).getCollectivesCount()).isEqualTo(steps.get(3).collectives().size());
            assertThat(sysom.received.get(3).getEndMicros()).isEqualTo(steps.get(3).endMicros());
        }
    }
}
