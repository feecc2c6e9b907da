package io.keelson.agentcgroup.core.sandbox;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tool call's resource hint from the agent, in AgentCgroup's {@code AGENT_RESOURCE_HINT} syntax:
 * {@code memory:low} (a small call: 256 MiB), {@code memory:high} (no limit), {@code memory:<N>g} or
 * {@code memory:<N>m} (that limit). The hint sets the call's memory limit; limits still obey the safe floor.
 */
public final class ResourceHint {

    public static final long LOW_BYTES = 256L << 20;
    private static final Pattern SIZE = Pattern.compile("memory:([0-9]{1,6}(?:\\.[0-9]{1,3})?)([gm])");

    private ResourceHint() {
    }

    /** The memory limit the hint asks for (empty: no limit), or {@link SandboxException} naming {@code field}. */
    public static OptionalLong memoryLimit(String hint, String field) {
        String h = hint.trim().toLowerCase(Locale.ROOT);
        if (h.equals("memory:low")) {
            return OptionalLong.of(LOW_BYTES);
        }
        if (h.equals("memory:high")) {
            return OptionalLong.empty();
        }
        Matcher m = SIZE.matcher(h);
        if (!m.matches()) {
            throw new SandboxException(SandboxException.Kind.INVALID, field,
                    "'" + hint + "' is not memory:low, memory:high, memory:<N>g or memory:<N>m");
        }
        double value = Double.parseDouble(m.group(1));
        return OptionalLong.of((long) (value * (m.group(2).equals("g") ? 1L << 30 : 1L << 20)));
    }
}
