package io.keelson.agentcgroup.service;

import io.keelson.agentcgroup.v1.CreateSessionRequest;
import io.keelson.agentcgroup.v1.Priority;
import io.keelson.agentcgroup.v1.RunToolCallRequest;
import io.keelson.agentcgroup.v1.SessionEvent;
import io.keelson.common.events.KafkaEventBus;
import io.keelson.common.testing.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster mode: the agentcgroup server as its own process, pointed at a real Kafka broker, publishes each session's
 * tool-call events there (keyed by session); a reader elsewhere sees them.
 */
class KafkaSessionEventsTest {

    @TempDir
    Path home;
    @TempDir
    Path kafka;

    @Test
    void aServersToolCallEventsReachKafkaKeyedBySession() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(kafka);
             KafkaEventBus reader = new KafkaEventBus(broker.bootstrap(), 6, (short) 1)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            reader.subscribe(SessionEvents.TOPIC, "", e -> {
                try {
                    SessionEvent event = SessionEvent.parseFrom(e.payload());
                    seen.add(e.key() + " " + event.getKind() + " " + event.getCallId());
                } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            });
            Process server = ServerProcess.start(home, CgroupBackend.EMULATED, Map.of("KEELSON_KAFKA_BOOTSTRAP", broker.bootstrap()));
            try (ServerProcess.Connection c = ServerProcess.connect(server)) {
                c.stub().createSession(CreateSessionRequest.newBuilder().setSessionId("k1").setPriority(Priority.PRIORITY_LOW)
                        .addAllowedCommands("sh").build());
                c.stub().runToolCall(RunToolCallRequest.newBuilder().setSessionId("k1").setCallId("c1").addAllArgv(List.of("sh", "-c", "echo hi"))
                        .setTimeoutSeconds(30).build()).forEachRemaining(e -> { });
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen.size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } finally {
                server.destroy();
                server.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(seen).containsExactly("k1 EVENT_KIND_SESSION_OPENED ", "k1 EVENT_KIND_CALL_STARTED c1", "k1 EVENT_KIND_CALL_ENDED c1");
        }
    }
}
