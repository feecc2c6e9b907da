package io.keelson.agentcgroup.core.trace;

import java.util.OptionalDouble;

/**
 * One tool call of the agent.
 *
 * @param tool    the tool's name ({@code Bash}, {@code Read}, {@code Edit}...)
 * @param start   epoch seconds (UTC)
 * @param end     epoch seconds, when the trace recorded it
 * @param summary what it acted on: the Bash command or the file path, shortened
 */
public record ToolCall(String id, String tool, double start, OptionalDouble end, String summary) {

    /** Seconds it ran; 0 when the trace did not record its end. */
    public double seconds() {
        return Math.max(0, end.orElse(start) - start);
    }
}
