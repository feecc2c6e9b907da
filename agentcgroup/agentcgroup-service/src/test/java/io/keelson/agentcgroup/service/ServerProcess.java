package io.keelson.agentcgroup.service;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AgentCgroupServer} as its own process (cluster mode), for tests that kill it or point it at Kafka. */
final class ServerProcess {

    private ServerProcess() {
    }

    static Process start(Path home, CgroupBackend backend, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), AgentCgroupServer.class.getName(), "0")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("KEELSON_HOME", home.toString());
        pb.environment().put("KEELSON_AGENTCGROUP_BACKEND", backend.name().toLowerCase(Locale.ROOT));
        pb.environment().putAll(env);
        return pb.start();
    }

    record Connection(ManagedChannel channel, AgentCgroupServiceGrpc.AgentCgroupServiceBlockingStub stub) implements AutoCloseable {
        @Override
        public void close() {
            channel.shutdownNow();
        }
    }

    /** Waits for the server's {@code LISTENING <port>} line and connects to it. */
    static Connection connect(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("LISTENING ")) {
            // skip anything printed before the server listens
        }
        assertThat(line).as("the server printed LISTENING").isNotNull();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(line.substring(10).trim())).usePlaintext().build();
        return new Connection(channel, AgentCgroupServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS));
    }
}
