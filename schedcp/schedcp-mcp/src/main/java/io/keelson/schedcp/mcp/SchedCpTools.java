package io.keelson.schedcp.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import io.keelson.schedcp.v1.AddWorkloadHistoryRequest;
import io.keelson.schedcp.v1.CreateAndVerifySchedulerRequest;
import io.keelson.schedcp.v1.CreateAndVerifySchedulerResponse;
import io.keelson.schedcp.v1.CreateWorkloadRequest;
import io.keelson.schedcp.v1.Execution;
import io.keelson.schedcp.v1.ExecutionRef;
import io.keelson.schedcp.v1.HistoryEntry;
import io.keelson.schedcp.v1.ListSchedulersRequest;
import io.keelson.schedcp.v1.ListWorkloadsRequest;
import io.keelson.schedcp.v1.MonitorSystemRequest;
import io.keelson.schedcp.v1.MonitorSystemResponse;
import io.keelson.schedcp.v1.RunSchedulerRequest;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.keelson.schedcp.v1.Scheduler;
import io.keelson.schedcp.v1.SystemSummary;
import io.keelson.schedcp.v1.Workload;
import io.keelson.schedcp.v1.WorkloadHistory;
import io.keelson.schedcp.v1.WorkloadRef;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * SchedCP's seven MCP tools, with its names, parameters and result keys: {@code list_schedulers}, {@code run_scheduler},
 * {@code stop_scheduler}, {@code get_execution_status}, {@code create_and_verify_scheduler}, {@code workload},
 * {@code system_monitor}. Each tool is a call of the {@code keelson.schedcp.v1} API made as the tool's caller (see
 * {@link Api}), so MCP and gRPC clients share one state and the platform authorises and audits both the same way.
 * Every result is a JSON document in a text content; a refused call is an error result naming the argument or the
 * reason.
 */
final class SchedCpTools {

    static final List<String> NAMES = List.of("list_schedulers", "run_scheduler", "stop_scheduler", "get_execution_status",
            "create_and_verify_scheduler", "workload", "system_monitor");

    /** How long one tool call may take end to end (verification runs the simulator). */
    static final long DEADLINE_SECONDS = 60;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The schedcp API as a tool call's caller: over stdio the server's own in-process service (the agent that started
     * it is the caller); over HTTP the control plane's gateway with the caller's token, which authorises (viewer reads,
     * operator runs, stops, creates; schedcp in the token's scopes) and writes the audit log.
     */
    @FunctionalInterface
    interface Api {
        SchedCpServiceGrpc.SchedCpServiceBlockingStub as(McpTransportContext caller);
    }

    /** One tool call: the API as its caller, its checked arguments, and who the caller is (for its last monitor session). */
    private record Call(SchedCpServiceGrpc.SchedCpServiceBlockingStub schedcp, ToolArgs args, String caller) {
    }

    private final Api api;
    private final Function<McpTransportContext, String> callerKey;
    private final Map<String, String> lastMonitorSession = new ConcurrentHashMap<>();

    /** {@code callerKey} tells callers apart, so {@code system_monitor stop} without an id stops the caller's own session. */
    SchedCpTools(Api api, Function<McpTransportContext, String> callerKey) {
        this.api = api;
        this.callerKey = callerKey;
    }

    List<McpServerFeatures.SyncToolSpecification> specifications(McpJsonMapper mapper) {
        return List.of(
                tool(mapper, "list_schedulers", "List the sched_ext schedulers (the scx catalogue and the ones agents created), optionally filtered by "
                        + "a text in their name, description or use cases, and by production readiness.",
                        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"description\":\"text to find in name, description or use cases\"},"
                                + "\"production_ready\":{\"type\":\"boolean\"}},\"additionalProperties\":false}",
                        Set.of("name", "production_ready"), this::listSchedulers),
                tool(mapper, "run_scheduler", "Start a scheduler by name with command-line arguments; one scheduler runs at a time.",
                        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"args\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
                                + "\"required\":[\"name\"],\"additionalProperties\":false}",
                        Set.of("name", "args"), this::runScheduler),
                tool(mapper, "stop_scheduler", "Stop a running scheduler (SIGTERM, then SIGKILL after 5 s).",
                        "{\"type\":\"object\",\"properties\":{\"execution_id\":{\"type\":\"string\"}},\"required\":[\"execution_id\"],\"additionalProperties\":false}",
                        Set.of("execution_id"), c -> execution(c.schedcp().stopScheduler(ref(c.args())), false)),
                tool(mapper, "get_execution_status", "Status, times, exit code and output of a scheduler execution, and whether sched_ext has it loaded.",
                        "{\"type\":\"object\",\"properties\":{\"execution_id\":{\"type\":\"string\"}},\"required\":[\"execution_id\"],\"additionalProperties\":false}",
                        Set.of("execution_id"), c -> execution(c.schedcp().getExecutionStatus(ref(c.args())), true)),
                tool(mapper, "create_and_verify_scheduler", "Verify a scheduler and register it as a new, non-production scheduler version: sched_ext "
                        + "BPF C (static checks, clang where installed, the kernel stage where sched_ext exists), or a policy in the simulator's language "
                        + "('policy NAME' / 'order by KEY [asc|desc], ...' / 'slice 3ms|to-completion'; keys arrival, work, remaining, deadline, vruntime, id), "
                        + "which is also run in the scheduler simulator and rejected if it starves a task or idles CPUs.",
                        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"pattern\":\"^scx_[a-z0-9_]{1,40}$\"},\"source_code\":{\"type\":\"string\"},"
                                + "\"description\":{\"type\":\"string\",\"maxLength\":100},\"algorithm\":{\"type\":\"string\"},\"use_cases\":{\"type\":\"array\","
                                + "\"items\":{\"type\":\"string\"}},\"characteristics\":{\"type\":\"string\"},\"limitations\":{\"type\":\"string\"},"
                                + "\"performance_profile\":{\"type\":\"string\"}},\"required\":[\"name\",\"source_code\",\"description\"],\"additionalProperties\":false}",
                        Set.of("name", "source_code", "description", "algorithm", "use_cases", "characteristics", "limitations", "performance_profile"),
                        this::createAndVerify),
                tool(mapper, "workload", "Workload profiles and their history: create (description), list, get_history (workload_id), "
                        + "add_history (workload_id, execution_id, result_description, and optionally metrics: numbers such as makespan_s or p99_ms).",
                        "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\",\"enum\":[\"create\",\"list\",\"get_history\",\"add_history\"]},"
                                + "\"description\":{\"type\":\"string\"},\"workload_id\":{\"type\":\"string\"},\"execution_id\":{\"type\":\"string\"},"
                                + "\"result_description\":{\"type\":\"string\"},\"metrics\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}}},"
                                + "\"required\":[\"command\"],\"additionalProperties\":false}",
                        Set.of("command", "description", "workload_id", "execution_id", "result_description", "metrics"), this::workload),
                tool(mapper, "system_monitor", "Sample CPU, memory and scheduler counters once a second: start returns a session; stop returns its summary.",
                        "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\",\"enum\":[\"start\",\"stop\"]},\"session_id\":{\"type\":\"string\"}},"
                                + "\"required\":[\"command\"],\"additionalProperties\":false}",
                        Set.of("command", "session_id"), this::systemMonitor));
    }

    private McpServerFeatures.SyncToolSpecification tool(McpJsonMapper mapper, String name, String description, String schema,
                                                         Set<String> allowed, Function<Call, Object> handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description).inputSchema(mapper, schema).build();
        return new McpServerFeatures.SyncToolSpecification(tool, (exchange, request) -> {
            try {
                McpTransportContext caller = exchange.transportContext();
                Object result = handler.apply(new Call(api.as(caller).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
                        new ToolArgs(request.arguments(), allowed), callerKey.apply(caller)));
                return McpSchema.CallToolResult.builder().addTextContent(JSON.writeValueAsString(result)).build();
            } catch (ToolArgs.BadArgument e) {
                return error("error: " + e.getMessage());
            } catch (StatusRuntimeException e) {
                return error(refusal(e));
            } catch (JsonProcessingException e) {
                return error("error: result not writable as JSON: " + e.getOriginalMessage());
            }
        });
    }

    private static McpSchema.CallToolResult error(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(true).build();
    }

    /** The API's refusal in words; an invalid argument's description already names the field. */
    static String refusal(StatusRuntimeException e) {
        String why = e.getStatus().getDescription() == null ? e.getStatus().getCode().name() : e.getStatus().getDescription();
        return switch (e.getStatus().getCode()) {
            case PERMISSION_DENIED, UNAUTHENTICATED -> "permission denied: " + why;
            case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, ALREADY_EXISTS, RESOURCE_EXHAUSTED, UNIMPLEMENTED -> "error: " + why;
            default -> "error: schedcp could not be reached or failed (" + e.getStatus().getCode() + "): " + why;
        };
    }

    private static ExecutionRef ref(ToolArgs a) {
        return ExecutionRef.newBuilder().setExecutionId(a.string("execution_id")).build();
    }

    private Object listSchedulers(Call c) {
        ListSchedulersRequest.Builder request = ListSchedulersRequest.newBuilder().setQuery(c.args().optionalString("name").orElse(""));
        c.args().optionalBoolean("production_ready").ifPresent(request::setProductionReady);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Scheduler s : c.schedcp().listSchedulers(request.build()).getSchedulersList()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.getName());
            m.put("production_ready", s.getProductionReady());
            m.put("description", s.getDescription());
            m.put("algorithm", s.getAlgorithm());
            m.put("use_cases", s.getUseCasesList());
            m.put("characteristics", s.getCharacteristics());
            Map<String, Object> tuning = new LinkedHashMap<>();
            s.getTuningParametersMap().forEach((k, p) -> {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("type", p.getType());
                t.put("description", p.getDescription());
                if (!p.getDefaultValue().isEmpty()) {
                    t.put("default", typed(p.getDefaultValue()));
                }
                if (!p.getRange().isEmpty()) {
                    t.put("range", p.getRange());
                }
                tuning.put(k, t);
            });
            m.put("tuning_parameters", tuning);
            m.put("limitations", s.getLimitations());
            m.put("performance_profile", s.getPerformanceProfile());
            out.add(m);
        }
        return Map.of("schedulers", out);
    }

    /** A default the API carries as text, as the JSON value it was (a number, a boolean) or else as text. */
    private static Object typed(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && (node.isNumber() || node.isBoolean()) ? node : text;
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private Object runScheduler(Call c) {
        Execution e = c.schedcp().runScheduler(RunSchedulerRequest.newBuilder().setName(c.args().string("name"))
                .addAllArgs(c.args().strings("args")).build());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_id", e.getExecutionId());
        m.put("scheduler", e.getSchedulerName());
        m.put("status", "started");
        m.put("message", "started " + e.getSchedulerName() + " as pid " + e.getPid() + (e.getSchedExtSupported() ? ""
                : "; this kernel has no sched_ext, so the kernel keeps its own scheduler (kernel-unsupported)"));
        return m;
    }

    private static Object execution(Execution e, boolean full) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_id", e.getExecutionId());
        if (!full) {
            m.put("status", e.getStatus());
            return m;
        }
        m.put("scheduler_name", e.getSchedulerName());
        m.put("command", e.getCommand());
        m.put("args", e.getArgsList());
        m.put("status", e.getStatus());
        m.put("pid", e.getPid());
        m.put("start_time", e.getStartTime());
        m.put("end_time", e.getEndTime().isEmpty() ? null : e.getEndTime());
        m.put("duration", e.getDurationSeconds());
        m.put("exit_code", e.hasExitCode() ? e.getExitCode() : null);
        m.put("output", e.getOutput());
        m.put("sched_ext", Map.of("supported", e.getSchedExtSupported(), "state", e.getSchedExtState(), "loaded", e.getLoaded()));
        return m;
    }

    private Object createAndVerify(Call c) {
        ToolArgs a = c.args();
        CreateAndVerifySchedulerResponse v = c.schedcp().createAndVerifyScheduler(CreateAndVerifySchedulerRequest.newBuilder()
                .setName(a.string("name")).setSourceCode(a.string("source_code")).setDescription(a.string("description"))
                .setAlgorithm(a.optionalString("algorithm").orElse("")).addAllUseCases(a.strings("use_cases"))
                .setCharacteristics(a.optionalString("characteristics").orElse("")).setLimitations(a.optionalString("limitations").orElse(""))
                .setPerformanceProfile(a.optionalString("performance_profile").orElse("")).build());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.getName());
        m.put("version", v.getVersion());
        m.put("accepted", v.getAccepted());
        m.put("production_ready", false);
        m.put("stages", v.getStagesList().stream().map(s -> Map.of("stage", s.getStage(), "verdict", s.getVerdict(), "detail", s.getDetail())).toList());
        return m;
    }

    private Object workload(Call c) {
        ToolArgs a = c.args();
        switch (a.string("command")) {
            case "create" -> {
                return Map.of("workload_id", c.schedcp().createWorkload(CreateWorkloadRequest.newBuilder().setDescription(a.string("description")).build())
                        .getWorkloadId());
            }
            case "list" -> {
                return Map.of("workloads", c.schedcp().listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getWorkloadsList().stream()
                        .map(SchedCpTools::workload).toList());
            }
            case "get_history" -> {
                WorkloadHistory h = c.schedcp().getWorkloadHistory(WorkloadRef.newBuilder().setWorkloadId(a.string("workload_id")).build());
                return Map.of("workload", workload(h.getWorkload()), "history", h.getHistoryList().stream().map(SchedCpTools::history).toList());
            }
            case "add_history" -> {
                HistoryEntry h = c.schedcp().addWorkloadHistory(AddWorkloadHistoryRequest.newBuilder().setWorkloadId(a.string("workload_id"))
                        .setExecutionId(a.string("execution_id")).setResultDescription(a.string("result_description"))
                        .putAllMetrics(a.numbers("metrics")).build());
                return Map.of("history_id", h.getHistoryId(), "workload_id", h.getWorkloadId());
            }
            default -> throw new ToolArgs.BadArgument("command: create, list, get_history or add_history, was '" + a.string("command") + "'");
        }
    }

    private static Map<String, Object> workload(Workload w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.getWorkloadId());
        m.put("description", w.getDescription());
        m.put("created_at", w.getCreatedAt());
        m.put("updated_at", w.getUpdatedAt());
        return m;
    }

    private static Map<String, Object> history(HistoryEntry h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.getHistoryId());
        m.put("workload_id", h.getWorkloadId());
        m.put("execution_id", h.getExecutionId());
        m.put("scheduler_name", h.getSchedulerName());
        m.put("args", h.getArgsList());
        m.put("result_description", h.getResultDescription());
        m.put("created_at", h.getCreatedAt());
        m.put("metrics", h.getMetricsMap());
        return m;
    }

    private Object systemMonitor(Call c) {
        ToolArgs a = c.args();
        switch (a.string("command")) {
            case "start" -> {
                MonitorSystemResponse started = c.schedcp().monitorSystem(MonitorSystemRequest.newBuilder().setCommand("start").build());
                lastMonitorSession.put(c.caller(), started.getSessionId());
                return Map.of("session_id", started.getSessionId(), "status", started.getStatus());
            }
            case "stop" -> {
                String id = a.optionalString("session_id").or(() -> Optional.ofNullable(lastMonitorSession.get(c.caller())))
                        .orElseThrow(() -> new ToolArgs.BadArgument("session_id: no monitoring session was started"));
                SystemSummary s = c.schedcp().monitorSystem(MonitorSystemRequest.newBuilder().setCommand("stop").setSessionId(id).build()).getSummary();
                lastMonitorSession.remove(c.caller(), id);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("session_id", id);
                m.put("duration_secs", s.getDurationSecs());
                m.put("sample_count", s.getSampleCount());
                m.put("cpu", Map.of("avg", s.getCpuAvgPercent(), "max", s.getCpuMaxPercent()));
                m.put("memory", Map.of("avg_percent", s.getMemoryAvgPercent(), "max_percent", s.getMemoryMaxPercent(),
                        "avg_used_mb", s.getMemoryAvgUsedMb()));
                m.put("scheduler", s.getSchedstat() ? Map.of("total_timeslices", s.getTotalTimeslices(), "avg_run_time_ns", s.getAvgRunTimeNs())
                        : Map.of("available", false, "reason", "no /proc/schedstat: the kernel is built without CONFIG_SCHEDSTATS"));
                m.put("process_scheduler_delay", Map.of("wait_ms_per_second", s.getProcessWaitMsPerSecond(), "most_delayed",
                        s.getMostDelayedList().stream().map(d -> Map.of("pid", d.getPid(), "command", d.getCommand(), "wait_ms", d.getWaitMs())).toList()));
                return m;
            }
            default -> throw new ToolArgs.BadArgument("command: start or stop, was '" + a.string("command") + "'");
        }
    }
}
