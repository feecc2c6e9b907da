package io.keelson.sysom.agent;

import io.keelson.sysom.v1.StepReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node agent on this machine's procfs: a real process that opted in is found and watched, its profiler's trace
 * reaches sysom as its rank's steps (after sysom was unreachable once), another rank's trace in its directory is
 * refused, and the rank is let go when its process exits.
 */
class NodeWatchTest {

    private static final Path TRACES = Path.of("../testdata/traces/hta/trace_filter");

    @TempDir
    Path root;

    @Test
    void aRankOnTheNodeIsFoundItsTracesSentAndItIsLetGoWhenItExits() throws Exception {
        Path dir = Files.createDirectories(root.resolve("node-test-job/rank-0"));
        ProcessBuilder rank0 = new ProcessBuilder("sleep", "120");
        rank0.environment().putAll(java.util.Map.of("KEELSON_SYSOM_JOB", "node-test-job", "RANK", "0", "WORLD_SIZE", "2"));
        Process process = rank0.start();
        List<String> out = new CopyOnWriteArrayList<>();
        try (FakeSysom sysom = new FakeSysom(1);
             NodeWatch node = new NodeWatch(new RankProcesses(Path.of("/proc"), root), ProcSampler.host(), Optional.empty(), out::add)) {
            Publisher publisher = sysom.publisher("kt_node");
            AgentOverhead overhead = new AgentOverhead(ProcSampler.host());
            node.scan();
            assertThat(node.watched()).containsExactly(process.pid());
            assertThat(out).anySatisfy(l -> assertThat(l).contains("\"watching\":\"node-test-job\"").contains("\"pid\":" + process.pid()));

            Files.copy(TRACES.resolve("sampled_rank-0.json.gz"), dir.resolve("rank0.pt.trace.json.gz"));
            Files.copy(TRACES.resolve("sampled_rank-1.json.gz"), dir.resolve("rank1.pt.trace.json.gz"));
            int steps = KinetoSteps.read(TRACES.resolve("sampled_rank-0.json.gz")).steps().size();
            for (int i = 0; i < 6 && sysom.received.isEmpty(); i++) {
                node.tick(publisher, overhead); // a file is ready once its size holds across two ticks; the first send is refused
            }
            assertThat(sysom.received).hasSize(steps).allSatisfy(r -> {
                assertThat(r.getJob()).isEqualTo("node-test-job");
                assertThat(r.getRank()).isZero();
                assertThat(r.getWorldSize()).isEqualTo(2);
            });
            assertThat(sysom.received).extracting(StepReport::getStep).doesNotHaveDuplicates();
            assertThat(sysom.authorization.get()).isEqualTo("Bearer kt_node");
            assertThat(out).filteredOn(l -> l.contains("\"problem\"")).singleElement().satisfies(l -> assertThat(l).contains("sysom is restarting"));
            assertThat(out).anySatisfy(l -> assertThat(l).contains("rank1.pt.trace.json.gz").contains("written by rank 1, not by rank 0"));

            process.destroyForcibly().waitFor();
            node.tick(publisher, overhead);
            assertThat(node.watched()).isEmpty();
            assertThat(out).anySatisfy(l -> assertThat(l).contains("\"exited\":true"));
        } finally {
            process.destroyForcibly();
        }
    }
}
