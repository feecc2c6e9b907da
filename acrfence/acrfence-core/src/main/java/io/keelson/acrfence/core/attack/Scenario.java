package io.keelson.acrfence.core.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One scenario of the attack suite, as data: what the agent does, step by step. Steps: {@code checkpoint: NAME},
 * {@code restore: NAME}, {@code fork: REASON}, {@code approve: SUBJECT} (a manager's token, as {@code ${token}}),
 * {@code grant: {tool, uses, bind}} (a capability, as {@code ${cap}}), {@code stale: true} (the next call comes
 * from the branch the last restore superseded), and {@code call: {tool, args, cap, crash_point}}. In arguments
 * {@code ${fresh}} is a new value each time (the model re-synthesising a request id).
 */
public record Scenario(String name, Kind kind, String description, String approvals, List<JsonNode> steps) {

    public enum Kind { ATTACK, BENIGN }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Reads the suite ({@code scenarios:} list) from YAML. */
    public static List<Scenario> load(InputStream yaml) {
        try {
            JsonNode root = YAML.readTree(yaml);
            List<Scenario> scenarios = new ArrayList<>();
            for (JsonNode s : root.path("scenarios")) {
                List<JsonNode> steps = new ArrayList<>();
                s.path("steps").forEach(steps::add);
                scenarios.add(new Scenario(s.path("name").asText(), Kind.valueOf(s.path("kind").asText().toUpperCase()),
                        s.path("description").asText(), Optional.ofNullable(s.get("approvals")).map(JsonNode::asText).orElse("stateless"), steps));
            }
            return scenarios;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the attack suite: " + e.getMessage(), e);
        }
    }

    /** The suite shipped with the module ({@code attacks/scenarios.yaml}). */
    public static List<Scenario> suite() {
        try (InputStream in = Scenario.class.getResourceAsStream("/attacks/scenarios.yaml")) {
            return load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
