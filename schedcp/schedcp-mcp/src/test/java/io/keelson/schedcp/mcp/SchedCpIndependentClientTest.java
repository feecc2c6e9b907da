package io.keelson.schedcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.common.os.Executables;
import io.keelson.schedcp.core.testing.StandInSchedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The acceptance check with a client that shares no code with the server: the official TypeScript MCP SDK (Node)
 * spawns the server and lists exactly SchedCP's 7 tools, then round-trips a workload through a run of a stand-in
 * scheduler binary. {@code ./keelson test} installs the SDK (npm) into {@code src/test/node}; without Node or the SDK
 * the test is skipped with the reason.
 */
class SchedCpIndependentClientTest {

    private static final Path CLIENT = Path.of("src/test/node");

    @TempDir
    Path dir;

    @Test
    void theTypeScriptSdkSeesTheSevenToolsAndRoundTripsARun() throws Exception {
        var node = Executables.onPath("node");
        assumeTrue(node.isPresent(), "node is not installed (Debian: nodejs)");
        assumeTrue(Files.isDirectory(CLIENT.resolve("node_modules/@modelcontextprotocol/sdk")),
                "the TypeScript MCP SDK is not installed: npm install --prefix " + CLIENT + " (./keelson test does)");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        StandInSchedulers.install(bin, "scx_simple");

        Process client = new ProcessBuilder(node.get().toString(), "client.mjs", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), dir.resolve("state").toString(), bin.toString()).directory(CLIENT.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(client.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).as(out).isZero();

        JsonNode r = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(new ObjectMapper().convertValue(r.get("tools"), String[].class)).containsExactly("create_and_verify_scheduler", "get_execution_status",
                "list_schedulers", "run_scheduler", "stop_scheduler", "system_monitor", "workload");
        assertThat(r.get("run").get("status").asText()).isEqualTo("started");
        assertThat(r.get("status").get("output").asText()).contains("attached with -f");
        assertThat(r.get("stopped").get("status").asText()).isEqualTo("stopped");
        assertThat(r.get("history").get("history").get(0).get("scheduler_name").asText()).isEqualTo("scx_simple");
        assertThat(r.get("refused").asText()).contains("name: must be a string");
    }
}
