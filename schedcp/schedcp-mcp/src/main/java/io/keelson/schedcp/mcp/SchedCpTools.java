package io.keelson.schedcp.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.schedcp.core.SchedCp;
import io.keelson.schedcp.core.catalog.SchedulerCatalog;
import io.keelson.schedcp.core.catalog.SchedulerRepository;
import io.keelson.schedcp.core.exec.SchedulerRunner;
import io.keelson.schedcp.core.monitor.SystemMonitor;
import io.keelson.schedcp.core.store.WorkloadStore;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * SchedCP's seven MCP tools, with its names, parameters and result keys: {@code list_schedulers}, {@code run_scheduler},
 * {@code stop_scheduler}, {@code get_execution_status}, {@code create_and_verify_scheduler}, {@code workload},
 * {@code system_monitor}. Every result is a JSON document in a text content; a refused call is an error result
 * naming the argument or the reason.
 */
final class SchedCpTools {

    static final List<String> NAMES = List.of("list_schedulers", "run_scheduler", "stop_scheduler", "get_execution_status",
            "create_and_verify_scheduler", "workload", "system_monitor");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchedCp schedcp;
    private final Guard guard;
    private volatile String lastMonitorSession;

    SchedCpTools(SchedCp schedcp, Guard guard) {
        this.schedcp = schedcp;
        this.guard = guard;
    }

    List<McpServerFeatures.SyncToolSpecification> specifications(McpJsonMapper mapper) {
        return List.of(
                tool(mapper, "list_schedulers", "List the sched_ext schedulers (the scx catalogue and the ones agents created), optionally filtered by "
                        + "a text in their name, description or use cases, and by production readiness.",
                        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"description\":\"text to find in name, description or use cases\"},"
                                + "\"production_ready\":{\"type\":\"boolean\"}},\"additionalProperties\":false}",
                        Access.READ, Set.of("name", "production_ready"), this::listSchedulers),
                tool(mapper, "run_scheduler", "Start a scheduler by name with command-line arguments; one scheduler runs at a time.",
                        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"args\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
                                + "\"required\":[\"name\"],\"additionalProperties\":false}",
                        Access.WRITE, Set.of("name", "args"), this::runScheduler),
                tool(mapper, "stop_scheduler", "Stop a running scheduler (SIGTERM, then SIGKILL after 5 s).",
                        "{\"type\":\"object\",\"properties\":{\"execution_id\":{\"type\":\"string\"}},\"required\":[\"execution_id\"],\"additionalProperties\":false}",
                        Access.WRITE, Set.of("execution_id"), a -> execution(schedcp.runner().stop(a.string("execution_id")), false)),
                tool(mapper, "get_execution_status", "Status, times, exit code and output of a scheduler execution, and whether sched_ext has it loaded.",
                        "{\"type\":\"object\",\"properties\":{\"execution_id\":{\"type\":\"string\"}},\"required\":[\"execution_id\"],\"additionalProperties\":false}",
                        Access.READ, Set.of("execution_id"), a -> execution(schedcp.runner().status(a.string("execution_id")), true)),
                tool(mapper, "create_and_verify_scheduler", "Verify a scheduler and register it as a new, non-production scheduler version: sched_ext "
                        + "BPF C (static checks, clang where installed, the kernel stage where sched_ext exists), or a policy in the simulator's language "
                        + "('policy NAME' / 'order by KEY [asc|desc], ...' / 'slice 3ms|to-completion'; keys arrival, work, remaining, deadline, vruntime, id), "
                        + "which is also run in the scheduler simulator and rejected if it starves a task or idles CPUs.",
                        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"pattern\":\"^scx_[a-z0-9_]{1,40}$\"},\"source_code\":{\"type\":\"string\"},"
                                + "\"description\":{\"type\":\"string\",\"maxLength\":100},\"algorithm\":{\"type\":\"string\"},\"use_cases\":{\"type\":\"array\","
                                + "\"items\":{\"type\":\"string\"}},\"characteristics\":{\"type\":\"string\"},\"limitations\":{\"type\":\"string\"},"
                                + "\"performance_profile\":{\"type\":\"string\"}},\"required\":[\"name\",\"source_code\",\"description\"],\"additionalProperties\":false}",
                        Access.WRITE, Set.of("name", "source_code", "description", "algorithm", "use_cases", "characteristics", "limitations", "performance_profile"),
                        this::createAndVerify),
                tool(mapper, "workload", "Workload profiles and their history: create (description), list, get_history (workload_id), "
                        + "add_history (workload_id, execution_id, result_description, and optionally metrics: numbers such as makespan_s or p99_ms).",
                        "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\",\"enum\":[\"create\",\"list\",\"get_history\",\"add_history\"]},"
                                + "\"description\":{\"type\":\"string\"},\"workload_id\":{\"type\":\"string\"},\"execution_id\":{\"type\":\"string\"},"
                                + "\"result_description\":{\"type\":\"string\"},\"metrics\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}}},"
                                + "\"required\":[\"command\"],\"additionalProperties\":false}",
                        Access.READ, Set.of("command", "description", "workload_id", "execution_id", "result_description", "metrics"), this::workload),
                tool(mapper, "system_monitor", "Sample CPU, memory and scheduler counters once a second: start returns a session; stop returns its summary.",
                        "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\",\"enum\":[\"start\",\"stop\"]},\"session_id\":{\"type\":\"string\"}},"
                                + "\"required\":[\"command\"],\"additionalProperties\":false}",
                        Access.READ, Set.of("command", "session_id"), this::systemMonitor));
    }

    private McpServerFeatures.SyncToolSpecification tool(McpJsonMapper mapper, String name, String description, String schema, Access access,
                                                         Set<String> allowed, Function<ToolArgs, Object> handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description).inputSchema(mapper, schema).build();
        return new McpServerFeatures.SyncToolSpecification(tool, (exchange, request) -> {
            try {
                guard.require(exchange.transportContext(), access);
                Object result = handler.apply(new ToolArgs(request.arguments(), allowed, needed -> guard.require(exchange.transportContext(), needed)));
                return McpSchema.CallToolResult.builder().addTextContent(JSON.writeValueAsString(result)).build();
            } catch (IllegalArgumentException | IllegalStateException | NoSuchElementException | UnsupportedOperationException e) {
                return McpSchema.CallToolResult.builder().addTextContent("error: " + e.getMessage()).isError(true).build();
            } catch (SecurityException e) {
                return McpSchema.CallToolResult.builder().addTextContent("permission denied: " + e.getMessage()).isError(true).build();
            } catch (JsonProcessingException e) {
                return McpSchema.CallToolResult.builder().addTextContent("error: result not writable as JSON: " + e.getOriginalMessage()).isError(true).build();
            }
        });
    }

    private Object listSchedulers(ToolArgs a) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SchedulerCatalog.Scheduler s : schedcp.schedulers(a.optionalString("name"), a.optionalBoolean("production_ready"))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("production_ready", s.productionReady());
            m.put("description", s.description());
            m.put("algorithm", s.algorithm());
            m.put("use_cases", s.useCases());
            m.put("characteristics", s.characteristics());
            Map<String, Object> tuning = new LinkedHashMap<>();
            s.tuningParameters().forEach((k, p) -> {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("type", p.type());
                t.put("description", p.description());
                if (p.defaultValue() != null) {
                    t.put("default", p.defaultValue());
                }
                if (p.range() != null) {
                    t.put("range", p.range());
                }
                tuning.put(k, t);
            });
            m.put("tuning_parameters", tuning);
            m.put("limitations", s.limitations());
            m.put("performance_profile", s.performanceProfile());
            out.add(m);
        }
        return Map.of("schedulers", out);
    }

    private Object runScheduler(ToolArgs a) {
        SchedulerRunner.Execution e = schedcp.runner().run(a.string("name"), a.strings("args"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_id", e.executionId());
        m.put("scheduler", e.schedulerName());
        m.put("status", "started");
        m.put("message", "started " + e.schedulerName() + " as pid " + e.pid() + (e.schedExt().supported() ? ""
                : "; this kernel has no sched_ext, so the kernel keeps its own scheduler (kernel-unsupported)"));
        return m;
    }

    private Object execution(SchedulerRunner.Execution e, boolean full) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_id", e.executionId());
        if (!full) {
            m.put("status", e.status());
            return m;
        }
        Instant now = schedcp.clock().instant();
        m.put("scheduler_name", e.schedulerName());
        m.put("command", e.command());
        m.put("args", e.args());
        m.put("status", e.status());
        m.put("pid", e.pid());
        m.put("start_time", e.startTime().toString());
        m.put("end_time", e.endTime().map(Instant::toString).orElse(null));
        m.put("duration", e.duration(now).toMillis() / 1000.0);
        m.put("exit_code", e.exitCode().orElse(null));
        m.put("output", e.output());
        m.put("sched_ext", Map.of("supported", e.schedExt().supported(), "state", e.schedExt().state(), "loaded", e.loaded()));
        return m;
    }

    private Object createAndVerify(ToolArgs a) {
        SchedCp.Verified v = schedcp.createAndVerify(new SchedulerRepository.Created(a.string("name"), a.string("description"),
                a.optionalString("algorithm").orElse(""), a.strings("use_cases"), a.optionalString("characteristics").orElse(""),
                a.optionalString("limitations").orElse(""), a.optionalString("performance_profile").orElse(""), List.of()), a.string("source_code"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.string("name"));
        m.put("version", v.version().version());
        m.put("accepted", v.version().accepted());
        m.put("production_ready", false);
        List<Map<String, Object>> stages = new ArrayList<>();
        v.report().stages().forEach(s -> stages.add(Map.of("stage", s.stage(), "verdict", s.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                "detail", s.detail())));
        m.put("stages", stages);
        return m;
    }

    private Object workload(ToolArgs a) {
        switch (a.string("command")) {
            case "create" -> {
                a.require(Access.WRITE);
                return Map.of("workload_id", schedcp.workloads().create(a.string("description")).id());
            }
            case "list" -> {
                return Map.of("workloads", schedcp.workloads().list());
            }
            case "get_history" -> {
                String id = a.string("workload_id");
                return Map.of("workload", schedcp.workloads().get(id).orElseThrow(() -> new ToolArgs.BadArgument("workload_id: no workload '" + id + "'")),
                        "history", schedcp.workloads().history(id));
            }
            case "add_history" -> {
                a.require(Access.WRITE);
                WorkloadStore.History h = schedcp.addHistory(a.string("workload_id"), a.string("execution_id"), a.string("result_description"),
                        a.numbers("metrics"));
                return Map.of("history_id", h.id(), "workload_id", h.workloadId());
            }
            default -> throw new ToolArgs.BadArgument("command: create, list, get_history or add_history, was '" + a.string("command") + "'");
        }
    }

    private Object systemMonitor(ToolArgs a) {
        switch (a.string("command")) {
            case "start" -> {
                lastMonitorSession = schedcp.monitor().start();
                return Map.of("session_id", lastMonitorSession, "status", "started");
            }
            case "stop" -> {
                String id = a.optionalString("session_id").or(() -> Optional.ofNullable(lastMonitorSession))
                        .orElseThrow(() -> new ToolArgs.BadArgument("session_id: no monitoring session was started"));
                SystemMonitor.Summary s = schedcp.monitor().stop(id);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("session_id", id);
                m.put("duration_secs", s.durationSecs());
                m.put("sample_count", s.sampleCount());
                m.put("cpu", Map.of("avg", s.cpuAvg(), "max", s.cpuMax()));
                m.put("memory", Map.of("avg_percent", s.memoryAvgPercent(), "max_percent", s.memoryMaxPercent(), "avg_used_mb", s.memoryAvgUsedMb()));
                m.put("scheduler", s.schedstat() ? Map.of("total_timeslices", s.totalTimeslices(), "avg_run_time_ns", s.avgRunTimeNs())
                        : Map.of("available", false, "reason", "no /proc/schedstat: the kernel is built without CONFIG_SCHEDSTATS"));
                return m;
            }
            default -> throw new ToolArgs.BadArgument("command: start or stop, was '" + a.string("command") + "'");
        }
    }
}
