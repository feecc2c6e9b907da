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

class KernelsCommandTest {

    private static final String TRACE = "../testdata/traces/hta/critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz";

    @Test
    void printsTheKernelsWithTheMostGpuTimeAsJsonLines() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new NodeAgent()).execute("kernels", "--top", "3", "--json", TRACE);
        } finally {
            System.setOut(stdout);
        }
        assertThat(exit).isZero();
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
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
}
