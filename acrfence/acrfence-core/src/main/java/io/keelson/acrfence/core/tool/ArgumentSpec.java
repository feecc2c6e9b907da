package io.keelson.acrfence.core.tool;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One top-level argument of a tool: its JSON type, whether it is required, and whether it carries the call's
 * intent (amount, recipient) or is volatile (a request id, a timestamp, a nonce that a re-synthesised call changes).
 */
public record ArgumentSpec(String name, Type type, boolean required, Role role) {

    public enum Type {
        STRING, NUMBER, INTEGER, BOOLEAN, OBJECT, ARRAY,
        /** No type declared (e.g. an MCP tool's schema leaves it open): any JSON value. */
        ANY;

        boolean accepts(JsonNode value) {
            return switch (this) {
                case STRING -> value.isTextual();
                case NUMBER -> value.isNumber();
                case INTEGER -> value.isIntegralNumber();
                case BOOLEAN -> value.isBoolean();
                case OBJECT -> value.isObject();
                case ARRAY -> value.isArray();
                case ANY -> true;
            };
        }
    }

    public enum Role { INTENT, VOLATILE }

    public ArgumentSpec {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException("argument name '" + name + "' must be 1-64 letters, digits, '_' or '-', starting with a letter or '_'");
        }
    }
}
