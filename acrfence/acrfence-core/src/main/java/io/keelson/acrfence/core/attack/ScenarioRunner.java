package io.keelson.acrfence.core.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.acrfence.core.downstream.ApprovalService;
import io.keelson.acrfence.core.fence.Fence;
import io.keelson.acrfence.core.fence.Invocation;
import io.keelson.acrfence.core.fence.Outcome;
import io.keelson.acrfence.core.json.CanonicalJson;
import io.keelson.acrfence.core.tool.ToolEndpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a scenario either through the fence or straight against the services (as agent frameworks do today, with
 * the agent's own request id as the idempotency key and checkpoints that restore only the agent), and reports
 * what really happened in the world.
 */
public final class ScenarioRunner {

    /** What a run left in the world, and what the fence said to each call. */
    public record Result(String scenario, CrashMode crash, boolean fenced, int transfers, int deletions, int servers, List<String> decisions) {
        public Map<String, Integer> effects() {
            return Map.of("transfers", transfers, "deletions", deletions, "servers", servers);
        }
    }

    private ScenarioRunner() {
    }

    public static Result run(Scenario scenario, CrashMode crash, boolean fenced, Path scratch) {
        try {
            Path dir = Files.createTempDirectory(scratch, "journal");
            return run(scenario, crash, fenced, v -> new Testbed(dir, v));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs on a testbed of the caller's making (its journal store), given the approval validation the scenario asks for. */
    public static Result run(Scenario scenario, CrashMode crash, boolean fenced, java.util.function.Function<ApprovalService.Validation, Testbed> testbeds) {
        try (Testbed bed = testbeds.apply(ApprovalService.Validation.valueOf(scenario.approvals().toUpperCase()))) {
            return new Execution(scenario, crash, fenced, bed).run();
        }
    }

    private static final class Execution {
        private final Scenario scenario;
        private final CrashMode crash;
        private final boolean fenced;
        private final Testbed bed;
        private final Map<String, String> vars = new HashMap<>();
        private final Map<String, String> checkpoints = new HashMap<>();
        private final List<String> decisions = new ArrayList<>();
        private String branch;
        private String previousBranch;
        private boolean nextFromStale;
        private int fresh;

        Execution(Scenario scenario, CrashMode crash, boolean fenced, Testbed bed) {
            this.scenario = scenario;
            this.crash = crash;
            this.fenced = fenced;
            this.bed = bed;
        }

        Result run() {
            branch = bed.fence().openRun("run").branch();
            for (JsonNode step : scenario.steps()) {
                String op = step.fieldNames().next();
                JsonNode arg = step.get(op);
                switch (op) {
                    case "checkpoint" -> checkpoints.put(arg.asText(), fenced ? fence().checkpoint("run", branch) : "");
                    case "restore" -> {
                        previousBranch = branch;
                        if (fenced) {
                            branch = fence().restore("run", checkpoints.get(arg.asText())).branch();
                        }
                    }
                    case "fork" -> {
                        if (fenced) {
                            branch = fence().fork("run", branch, arg.asText(), "scenario:" + scenario.name()).branch();
                        }
                    }
                    case "approve" -> vars.put("token", bed.approvals.approve(arg.asText()));
                    case "grant" -> vars.put("cap", fenced ? fence().grant("run", arg.path("tool").asText(), arg.path("uses").asInt(1),
                            Optional.ofNullable(arg.get("bind")).map(b -> CanonicalJson.text(substitute(b)))) : "");
                    case "stale" -> nextFromStale = true;
                    case "call" -> call(arg);
                    default -> throw new IllegalArgumentException("scenario " + scenario.name() + ": unknown step '" + op + "'");
                }
            }
            return new Result(scenario.name(), crash, fenced, bed.bank.transfers().size(), bed.approvals.deletions().size(), bed.cloud.servers().size(),
                    decisions);
        }

        private Fence fence() {
            return bed.fence();
        }

        private void call(JsonNode spec) {
            String tool = spec.path("tool").asText();
            JsonNode args = substitute(spec.path("args"));
            boolean crashHere = spec.path("crash_point").asBoolean(false) && crash != CrashMode.NONE;
            String from = nextFromStale ? previousBranch : branch;
            nextFromStale = false;
            if (!fenced) {
                // today's frameworks: the call goes straight out, keyed by the agent's own request id
                if (crashHere && !crash.serviceActed()) {
                    decisions.add("CRASHED");
                    return;
                }
                ToolEndpoint endpoint = bed.tools.get(tool).orElseThrow().endpoint();
                ToolEndpoint.Outcome outcome = endpoint.invoke(args, volatileKey(args));
                decisions.add(crashHere ? "CRASHED" : outcome.getClass().getSimpleName().toUpperCase());
                return;
            }
            crash.boundary().filter(b -> crashHere).ifPresent(bed::crashNextAt);
            try {
                Outcome outcome = fence().invoke(new Invocation("run", from, tool, CanonicalJson.text(args),
                        Optional.ofNullable(spec.get("cap")).map(c -> substitute(c).asText())));
                decisions.add(outcome instanceof Outcome.Refused r ? "REFUSED:" + r.reason() : outcome.getClass().getSimpleName().toUpperCase());
            } catch (Testbed.Crash c) {
                decisions.add("CRASHED");
                bed.restart();
            }
        }

        /** The key an unfenced agent would send: its own request id, which it makes up afresh each time. */
        private static String volatileKey(JsonNode args) {
            for (String field : List.of("reference", "client_token", "request_id")) {
                if (args.hasNonNull(field)) {
                    return args.get(field).asText();
                }
            }
            return CanonicalJson.text(args);
        }

        private JsonNode substitute(JsonNode node) {
            if (node.isTextual()) {
                String text = node.asText();
                text = text.replace("${fresh}", "req-" + (++fresh));
                for (Map.Entry<String, String> v : vars.entrySet()) {
                    text = text.replace("${" + v.getKey() + "}", v.getValue());
                }
                return CanonicalJson.mapper().getNodeFactory().textNode(text);
            }
            if (node.isObject()) {
                ObjectNode copy = CanonicalJson.mapper().createObjectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    copy.set(f.getKey(), substitute(f.getValue()));
                }
                return copy;
            }
            return node;
        }
    }
}
