package io.keelson.sysom.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TraceCommandsTest {

    private static final String TRACE = "../testdata/traces/hta/critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz";

    private record Run(int exit, List<String> lines) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new NodeAgent()).execute(args);
            return new Run(exit, captured.toString(StandardCharsets.UTF_8).lines().toList());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void printsTheKernelsWithTheMostGpuTimeAsJsonLines() throws Exception {
        Run run = run("kernels", "--top", "3", "--json", TRACE);
        assertThat(run.exit()).isZero();
        List<String> lines = run.lines();
        assertThat(lines).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> kernels = lines.stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertThat(kernels).allSatisfy(k -> {
            assertThat(k.get("kernel").asText()).isNotBlank();
            assertThat(k.get("launches").asInt()).isPositive();
            assertThat(k.get("p50_us").asDouble()).isLessThanOrEqualTo(k.get("max_us").asDouble());
        });
        assertThat(kernels.get(0).get("total_us").asDouble()).isGreaterThanOrEqualTo(kernels.get(2).get("total_us").asDouble());
    }

    @Test
    void aBadTopIsAUsageErrorNamingTheOption() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new NodeAgent()).setErr(new PrintWriter(err)).execute("kernels", "--top", "0", TRACE);
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--top: must be at least 1, was 0");
    }

    @Test
    void theNodeAgentsBadOptionsAreUsageErrorsNamingTheOption() {
        for (var bad : java.util.Map.of("--traces-root: /no/such/dir is not a directory", new String[] {"--traces-root", "/no/such/dir"},
                "--scan-seconds: must be 1..3600, was 0", new String[] {"--traces-root", ".", "--scan-seconds", "0"},
                "--stacks: auto, jfr, perf or off, was gdb", new String[] {"--traces-root", ".", "--stacks", "gdb"},
                "--stacks-hz: must be 1..999, was 5000", new String[] {"--traces-root", ".", "--stacks-hz", "5000"}).entrySet()) {
            StringWriter err = new StringWriter();
            List<String> args = new java.util.ArrayList<>(List.of("node", "--endpoint", "localhost:1"));
            args.addAll(List.of(bad.getValue()));
            int exit = new CommandLine(new NodeAgent()).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
            assertThat(exit).as(bad.getKey()).isEqualTo(2);
            assertThat(err.toString()).contains(bad.getKey());
        }
    }

    @Test
    void flightRecorderDumpsNameTheRankAHungJobWaitsForAndTheExitCodeSaysSo() {
        Run hung = run("flight-recorder", "../testdata/flight-recorder/missing-rank");
        assertThat(hung.exit()).isEqualTo(5);
        assertThat(hung.lines()).singleElement().asString().contains("collective #10 (all_reduce) was never issued by rank(s) [2]");

        assertThat(run("flight-recorder", "../testdata/flight-recorder/healthy").exit()).isZero();
        // two of the group's four ranks: the others' dumps are missing, which is itself the finding
        Run partial = run("flight-recorder", "../testdata/flight-recorder/healthy/nccl_trace_rank_0", "../testdata/flight-recorder/healthy/nccl_trace_rank_1");
        assertThat(partial.exit()).isEqualTo(5);
        assertThat(partial.lines()).singleElement().asString().contains("never issued by rank(s) [2, 3]");
        assertThat(run("flight-recorder", TRACE).exit()).as("a Kineto trace is no dump").isEqualTo(3);
    }
}
