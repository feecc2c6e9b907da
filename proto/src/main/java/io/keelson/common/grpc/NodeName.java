package io.keelson.common.grpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/** The node a standalone service runs on, as it tells the gateway and records its work. */
public final class NodeName {

    /** A name a call may give as its node (Kubernetes node names are DNS subdomains; a client's header is checked against this). */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
    public static final String VALID_DESCRIPTION = "a node name (letters, digits, '.', '_', '-'; at most 253)";

    private NodeName() {
    }

    public static boolean isValid(String name) {
        return VALID.matcher(name).matches();
    }

    /** {@code KEELSON_NODE_NAME}, else the kernel's host name (not resolved: a container need not know its own name's address). */
    public static String of(Map<String, String> env) {
        String named = env.getOrDefault("KEELSON_NODE_NAME", "").strip();
        if (!named.isEmpty()) {
            return named;
        }
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "local";
        }
    }
}
