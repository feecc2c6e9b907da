package io.keelson.sysom.core.trace;

import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.xfault.ClusterSimulator;
import io.keelson.sysom.core.xfault.Fault;
import io.keelson.sysom.core.xfault.KernelProfile;
import io.keelson.sysom.core.xfault.Topology;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExportFormatsTest {

    @Test
    void pprofRoundTripsFoldedStacksAndPicksTheSampleType() throws Exception {
        Map<String, Long> stacks = Map.of("main;train;forward;matmul", 40L, "main;train;dataloader;read", 9L, "main;train;forward", 3L);
        byte[] profile = Pprof.write(stacks, "samples", "count", 2_000_000_000L);
        assertThat(profile[0] & 0xff).isEqualTo(0x1f); // gzipped, as pprof writes them
        Pprof.Folded back = Pprof.read(new ByteArrayInputStream(profile), "");
        assertThat(back.sampleType()).isEqualTo("samples");
        assertThat(back.unit()).isEqualTo("count");
        assertThat(back.stacks()).isEqualTo(stacks);
        assertThat(Pprof.read(new ByteArrayInputStream(profile), "samples").stacks()).isEqualTo(stacks);
        assertThatThrownBy(() -> Pprof.read(new ByteArrayInputStream(profile), "cpu")).hasMessageContaining("no sample type 'cpu'");
    }

    @Test
    void aProfileWithInlinedFramesAndTwoSampleTypesReadsAsPprofShowsIt() throws Exception {
        io.keelson.pprof.Profile p = io.keelson.pprof.Profile.newBuilder()
                .addAllStringTable(List.of("", "samples", "count", "cpu", "nanoseconds", "main", "work", "inlined_helper"))
                .addSampleType(io.keelson.pprof.ValueType.newBuilder().setType(1).setUnit(2))
                .addSampleType(io.keelson.pprof.ValueType.newBuilder().setType(3).setUnit(4))
                .addFunction(io.keelson.pprof.Function.newBuilder().setId(1).setName(5))
                .addFunction(io.keelson.pprof.Function.newBuilder().setId(2).setName(6))
                .addFunction(io.keelson.pprof.Function.newBuilder().setId(3).setName(7))
                .addLocation(io.keelson.pprof.Location.newBuilder().setId(10).addLine(io.keelson.pprof.Line.newBuilder().setFunctionId(1)))
                // inlined_helper inlined into work: the inlined function comes first in a location's lines
                .addLocation(io.keelson.pprof.Location.newBuilder().setId(11).addLine(io.keelson.pprof.Line.newBuilder().setFunctionId(3))
                        .addLine(io.keelson.pprof.Line.newBuilder().setFunctionId(2)))
                .addSample(io.keelson.pprof.Sample.newBuilder().addLocationId(11).addLocationId(10).addValue(7).addValue(70_000_000))
                .build();
        Pprof.Folded cpu = Pprof.read(new ByteArrayInputStream(p.toByteArray()), "");
        assertThat(cpu.sampleType()).isEqualTo("cpu");
        assertThat(cpu.stacks()).containsExactly(Map.entry("main;work;inlined_helper", 70_000_000L));
        assertThat(Pprof.read(new ByteArrayInputStream(p.toByteArray()), "samples").stacks()).containsEntry("main;work;inlined_helper", 7L);
        assertThatThrownBy(() -> Pprof.read(new ByteArrayInputStream(new byte[]{1, 2, 3}), "")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aChromeTraceOfAHungJobReadsBackWithEveryRankStepAndOpenCollective() throws Exception {
        ClusterSimulator sim = new ClusterSimulator(ClusterSimulator.Config.of(new Topology(2, 2, 1), KernelProfile.bundled(), 4),
                List.of(new Fault.CollectiveHang(3, 1)));
        List<List<RankStep>> steps = List.of(sim.step(), sim.step());
        byte[] json = ChromeTrace.write(steps);
        List<TraceEvent> events = new ArrayList<>();
        TraceInfo info = new KinetoReader().read(new ByteArrayInputStream(json), events::add);
        assertThat(info.report().skippedEvents()).isZero();
        assertThat(events.stream().filter(e -> e.phase() == 'M')).hasSize(4);
        assertThat(events.stream().filter(e -> e.category().equals("step"))).hasSize(4 + 2); // step 1 finished on ranks 0 and 2 only
        long collectives = steps.stream().flatMap(List::stream).mapToLong(s -> s.collectives().size()).sum();
        assertThat(events.stream().filter(e -> e.category().equals("nccl"))).hasSize((int) collectives);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.phase()).isEqualTo('B');
            assertThat(e.name()).contains("never completed");
        });
    }
}
