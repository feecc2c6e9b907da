package io.keelson.schedcp.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tool call's arguments checked against its schema: unknown names, missing required ones and wrong types are
 * refused with the argument's name, as {@link BadArgument}.
 */
final class ToolArgs {

    /** A tool argument that is missing, unknown or of the wrong type; its message starts with the argument's name. */
    static final class BadArgument extends IllegalArgumentException {
        BadArgument(String message) {
            super(message);
        }
    }

    private final Map<String, Object> args;

    ToolArgs(Map<String, Object> args, Set<String> allowed) {
        this.args = args == null ? Map.of() : args;
        for (String name : this.args.keySet()) {
            if (!allowed.contains(name)) {
                throw new BadArgument(name + ": not an argument of this tool (it takes " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    String string(String name) {
        return optionalString(name).orElseThrow(() -> new BadArgument(name + ": required"));
    }

    Optional<String> optionalString(String name) {
        Object v = args.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw new BadArgument(name + ": must be a string, was " + v.getClass().getSimpleName());
        }
        return Optional.of(s);
    }

    Optional<Boolean> optionalBoolean(String name) {
        Object v = args.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean b)) {
            throw new BadArgument(name + ": must be a boolean, was " + v.getClass().getSimpleName());
        }
        return Optional.of(b);
    }

    List<String> strings(String name) {
        Object v = args.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new BadArgument(name + ": must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw new BadArgument(name + "[" + i + "]: must be a string");
            }
            out.add(s);
        }
        return out;
    }

    /** An object of numbers ({@code {"makespan_s": 812}}); empty when absent. */
    Map<String, Double> numbers(String name) {
        Object v = args.get(name);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new BadArgument(name + ": must be an object of numbers");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        map.forEach((k, n) -> {
            if (!(n instanceof Number number)) {
                throw new BadArgument(name + "." + k + ": must be a number");
            }
            out.put(String.valueOf(k), number.doubleValue());
        });
        return out;
    }
}
