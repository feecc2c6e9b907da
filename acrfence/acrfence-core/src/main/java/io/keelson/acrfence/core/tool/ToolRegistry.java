package io.keelson.acrfence.core.tool;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The tools the gateway fronts: each schema with the endpoint that carries it out. */
public final class ToolRegistry {

    /** A registered tool. */
    public record Tool(ToolSchema schema, ToolEndpoint endpoint) {
    }

    private final Map<String, Tool> tools = new ConcurrentHashMap<>();

    /** Registers (or replaces, at a higher version) a tool. */
    public void register(ToolSchema schema, ToolEndpoint endpoint) {
        tools.compute(schema.name(), (name, old) -> {
            if (old != null && old.schema().version() >= schema.version()) {
                throw new IllegalArgumentException("tool " + name + " is registered at version " + old.schema().version()
                        + "; a new schema needs a higher version, got " + schema.version());
            }
            return new Tool(schema, endpoint);
        });
    }

    public Optional<Tool> get(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    public List<ToolSchema> schemas() {
        return tools.values().stream().map(Tool::schema).sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }
}
