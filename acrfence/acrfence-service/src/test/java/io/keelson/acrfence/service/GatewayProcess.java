package io.keelson.acrfence.service;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AcrFenceServer} as its own process, for tests that kill it. */
final class GatewayProcess {

    private GatewayProcess() {
    }

    static Process start(Path home, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), AcrFenceServer.class.getName(), "0").redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("KEELSON_HOME", home.toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Waits for the server's {@code LISTENING <port>} line and connects to it. */
    static ManagedChannel connect(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("LISTENING ")) {
            // skip anything printed before the server listens
        }
        assertThat(line).as("the server printed LISTENING").isNotNull();
        return NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(line.substring(10).trim())).usePlaintext().build();
    }
}
