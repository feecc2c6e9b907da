package io.keelson.common.grpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The node a standalone service runs on, as it tells the gateway and records its work. */
public final class NodeName {

    private NodeName() {
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
