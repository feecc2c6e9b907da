package io.keelson.schedcp.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.schedcp.core.testing.StandInSchedulers;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An MCP client (this test) talks to the schedcp server started as a process over stdio, as an agent would, against a
 * stand-in for an scx binary: SchedCP's 7 tools, the run → status → stop → history round trip, refusals by name.
 */
class SchedCpMcpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private McpSyncClient agent;

    @BeforeEach
    void startServer() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        StandInSchedulers.install(bin, "scx_simple");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(tools.jackson.databind.json.JsonMapper.builder().build());
        agent = McpClient.sync(new StdioClientTransport(ServerParameters.builder(java).args("-cp", System.getProperty("java.class.path"),
                SchedCpMcpServer.class.getName(), dir.resolve("state").toString(), bin.toString()).build(), mapper))
                .requestTimeout(Duration.ofSeconds(20)).build();
        agent.initialize();
    }

    @AfterEach
    void stopServer() {
        agent.closeGracefully();
    }

    private McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        return agent.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    private JsonNode ok(String tool, Map<String, Object> args) throws Exception {
        McpSchema.CallToolResult r = call(tool, args);
        String text = ((McpSchema.TextContent) r.content().get(0)).text();
        assertThat(r.isError()).as(tool + " answered " + text).isNotEqualTo(Boolean.TRUE);
        return JSON.readTree(text);
    }

    private String refused(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = call(tool, args);
        assertThat(r.isError()).as(tool + " with " + args).isTrue();
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @Test
    void theSevenToolsRoundTripARunIntoAWorkloadsHistory() throws Exception {
        assertThat(agent.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrderElementsOf(SchedCpTools.NAMES);

        JsonNode gaming = ok("list_schedulers", Map.of("name", "gaming", "production_ready", true));
        assertThat(gaming.get("schedulers").findValuesAsText("name")).contains("scx_lavd", "scx_bpfland");
        assertThat(gaming.get("schedulers").get(0).has("tuning_parameters")).isTrue();

        String workload = ok("workload", Map.of("command", "create", "description", "kernel build, make -j2")).get("workload_id").asText();
        JsonNode started = ok("run_scheduler", Map.of("name", "scx_simple", "args", List.of("-f")));
        assertThat(started.get("status").asText()).isEqualTo("started");
        assertThat(started.get("scheduler").asText()).isEqualTo("scx_simple");
        String execution = started.get("execution_id").asText();
        assertThat(refused("run_scheduler", Map.of("name", "scx_simple"))).contains("one scheduler at a time");

        JsonNode status = null;
        for (int i = 0; i < 100; i++) {
            status = ok("get_execution_status", Map.of("execution_id", execution));
            if (status.get("output").asText().contains("attached")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(status.get("status").asText()).isEqualTo("running");
        assertThat(status.get("output").asText()).contains("attached with -f");
        assertThat(status.get("args").get(0).asText()).isEqualTo("-f");
        assertThat(status.get("sched_ext").get("loaded").asBoolean()).as("no sched_ext here: never a load that did not happen").isFalse();
        assertThat(status.fieldNames()).toIterable().contains("execution_id", "scheduler_name", "command", "args", "status", "pid", "start_time",
                "end_time", "duration", "exit_code", "output");

        assertThat(ok("stop_scheduler", Map.of("execution_id", execution)).get("status").asText()).isEqualTo("stopped");
        ok("workload", Map.of("command", "add_history", "workload_id", workload, "execution_id", execution,
                "result_description", "makespan 812 s against 975 s under EEVDF", "metrics", Map.of("makespan_s", 812, "speedup", 1.2)));
        JsonNode history = ok("workload", Map.of("command", "get_history", "workload_id", workload));
        assertThat(history.get("history")).hasSize(1);
        assertThat(history.get("history").get(0).get("scheduler_name").asText()).isEqualTo("scx_simple");
        assertThat(history.get("history").get(0).get("args").get(0).asText()).isEqualTo("-f");
        assertThat(history.get("history").get(0).get("metrics").get("makespan_s").asDouble()).isEqualTo(812.0);
        assertThat(ok("workload", Map.of("command", "list")).get("workloads")).hasSize(1);
    }

    @Test
    void badArgumentsAreRefusedByName() {
        assertThat(refused("run_scheduler", Map.of("name", 5))).contains("name: must be a string");
        assertThat(refused("run_scheduler", Map.of("name", "scx_simple", "cpu", 3))).contains("cpu: not an argument");
        assertThat(refused("run_scheduler", Map.of("name", "../../bin/sh"))).contains("name: no scheduler");
        assertThat(refused("get_execution_status", Map.of("execution_id", "exec-nope"))).contains("execution_id: no execution");
        assertThat(refused("workload", Map.of("command", "explode"))).contains("command:");
        assertThat(refused("stop_scheduler", Map.of())).contains("execution_id: required");
        assertThat(refused("workload", Map.of("command", "add_history", "workload_id", "w", "execution_id", "e", "result_description", "r",
                "metrics", Map.of("p99", "fast")))).contains("metrics.p99: must be a number");
    }

    @Test
    void aCreatedSchedulerIsVerifiedStageByStageAndListedAsNotProductionReady() throws Exception {
        String source = "#include <scx/common.bpf.h>\nvoid BPF_STRUCT_OPS(fifo_enqueue, struct task_struct *p, u64 f) {}\nSCX_OPS_DEFINE(fifo_ops, .name = \"fifo\");\n";
        JsonNode created = ok("create_and_verify_scheduler", Map.of("name", "scx_agent_fifo", "source_code", source, "description", "FIFO written by an agent",
                "use_cases", List.of("batch")));
        assertThat(created.get("version").asInt()).isEqualTo(1);
        assertThat(created.get("production_ready").asBoolean()).isFalse();
        if (created.get("stages").get(0).get("verdict").asText().equals("skipped")) { // no clang here: on to the later stages
            assertThat(created.get("stages").findValuesAsText("stage")).containsExactly("static", "simulation", "kernel");
            assertThat(created.get("stages").get(2).get("verdict").asText()).isEqualTo("kernel-unsupported");
        } else { // clang compiled it: without the scx headers installed the compiler's log says so, and it stops there
            assertThat(created.get("stages").findValuesAsText("stage")).containsExactly("static");
            assertThat(created.get("stages").get(0).get("detail").asText()).contains("scx/common.bpf.h");
        }
        assertThat(ok("list_schedulers", Map.of("name", "agent_fifo")).get("schedulers").get(0).get("production_ready").asBoolean()).isFalse();

        JsonNode unsafe = ok("create_and_verify_scheduler", Map.of("name", "scx_agent_bad", "description", "writes user memory",
                "source_code", "SCX_OPS_DEFINE(x);\nvoid f() {\n  bpf_probe_write_user(0, 0, 0);\n}\n"));
        assertThat(unsafe.get("accepted").asBoolean()).isFalse();
        assertThat(unsafe.get("stages").get(0).get("detail").asText()).contains("line 3", "bpf_probe_write_user");
        assertThat(refused("create_and_verify_scheduler", Map.of("name", "scx_rusty", "source_code", source, "description", "x")))
                .contains("catalogue scheduler");

        // a policy in the simulator's language runs in the simulator: a starving one is rejected with the starved task
        JsonNode starving = ok("create_and_verify_scheduler", Map.of("name", "scx_agent_sjf", "description", "shortest first",
                "source_code", "policy shortest\norder by work asc\nslice to-completion\n"));
        assertThat(starving.get("accepted").asBoolean()).isFalse();
        assertThat(starving.get("stages").get(1).get("verdict").asText()).isEqualTo("rejected");
        assertThat(starving.get("stages").get(1).get("detail").asText()).contains("task 0 (long)");
        JsonNode ljf = ok("create_and_verify_scheduler", Map.of("name", "scx_agent_ljf", "description", "longest first",
                "source_code", "policy longest\norder by work desc\nslice to-completion\n"));
        assertThat(ljf.get("accepted").asBoolean()).isTrue();
        assertThat(ljf.get("stages").get(1).get("detail").asText()).contains("batch-39+1: makespan 25.00 s");
    }

    @Test
    void aMonitoringSessionSummarisesTheHost() throws Exception {
        ok("system_monitor", Map.of("command", "start"));
        Thread.sleep(1200);
        JsonNode summary = ok("system_monitor", Map.of("command", "stop"));
        assertThat(summary.get("sample_count").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(summary.get("memory").get("avg_percent").asDouble()).isBetween(0.1, 100.0);
        assertThat(summary.get("cpu").has("avg")).isTrue();
        assertThat(summary.has("scheduler")).isTrue();
        assertThat(summary.get("process_scheduler_delay").get("wait_ms_per_second").asDouble()).isNotNegative();
        assertThat(summary.get("process_scheduler_delay").get("most_delayed").isArray()).isTrue();
    }
}
