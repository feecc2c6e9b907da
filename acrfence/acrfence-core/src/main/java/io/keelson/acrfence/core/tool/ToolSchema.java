package io.keelson.acrfence.core.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.acrfence.core.json.CanonicalJson;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A registered tool: its effect class, its arguments (types, required, intent or volatile), and whether calling it
 * needs a capability. The intent key of a call hashes the canonical JSON of every argument that is not volatile:
 * undeclared arguments count as intent, so a changed field is never mistaken for a replay.
 */
public record ToolSchema(String name, int version, EffectClass effectClass, List<ArgumentSpec> arguments, boolean requiresCapability) {

    /** A problem with one argument of a call. */
    public record Violation(String field, String problem) {
    }

    public ToolSchema {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("tool name '" + name + "' must be 1-64 letters, digits, '_', '.', '-', starting with a letter");
        }
        if (version < 1) {
            throw new IllegalArgumentException("tool version must be at least 1, was " + version);
        }
        arguments = List.copyOf(arguments);
        if (arguments.stream().map(ArgumentSpec::name).distinct().count() != arguments.size()) {
            throw new IllegalArgumentException("tool " + name + " declares an argument twice");
        }
    }

    /** Every way {@code args} departs from the schema: not an object, a required argument missing, a wrong type. */
    public List<Violation> validate(JsonNode args) {
        List<Violation> found = new ArrayList<>();
        if (args == null || !args.isObject()) {
            found.add(new Violation("arguments", "must be a JSON object"));
            return found;
        }
        for (ArgumentSpec spec : arguments) {
            JsonNode value = args.get(spec.name());
            if (value == null || value.isNull()) {
                if (spec.required()) {
                    found.add(new Violation("arguments." + spec.name(), "is required by " + name));
                }
            } else if (!spec.type().accepts(value)) {
                found.add(new Violation("arguments." + spec.name(), "must be " + spec.type().name().toLowerCase() + ", was " + value.getNodeType()
                        .name().toLowerCase()));
            }
        }
        return found;
    }

    /** The arguments that carry intent: all but the volatile ones. */
    public ObjectNode intent(JsonNode args) {
        Map<String, ArgumentSpec.Role> roles = new LinkedHashMap<>();
        arguments.forEach(a -> roles.put(a.name(), a.role()));
        ObjectNode intent = CanonicalJson.mapper().createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = args.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (roles.getOrDefault(f.getKey(), ArgumentSpec.Role.INTENT) == ArgumentSpec.Role.INTENT) {
                intent.set(f.getKey(), f.getValue());
            }
        }
        return intent;
    }

    /** SHA-256 over the canonical JSON of the tool, its version and the intent arguments. */
    public String intentKey(JsonNode args) {
        ObjectNode keyed = CanonicalJson.mapper().createObjectNode();
        keyed.put("tool", name);
        keyed.put("version", version);
        keyed.set("intent", intent(args));
        return CanonicalJson.sha256(CanonicalJson.bytes(keyed));
    }
}
