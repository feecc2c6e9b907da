package io.keelson.agentcgroup.service;

import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.CreateSessionRequest;
import io.keelson.agentcgroup.v1.Priority;
import io.keelson.agentcgroup.v1.RunToolCallRequest;
import io.keelson.agentcgroup.v1.SessionEvent;
import io.keelson.common.events.EventBus;
import io.keelson.common.events.InProcessEventBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Tool-call events go out on the event bus, keyed by session, for any consumer of the topic (Kafka in cluster mode). */
class SessionEventsBusTest {

    @TempDir
    Path home;

    @Test
    void eachCallIsPublishedKeyedByItsSession() throws Exception {
        EventBus bus = new InProcessEventBus();
        List<String> seen = new CopyOnWriteArrayList<>();
        bus.subscribe(SessionEvents.TOPIC, "", e -> {
            try {
                SessionEvent event = SessionEvent.parseFrom(e.payload());
                seen.add(e.key() + " " + event.getKind() + " " + event.getCallId());
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        });
        try (AgentCgroupSystem system = AgentCgroupSystem.start(home, AgentCgroupSystem.DEFAULT_ALLOWED_COMMANDS, CgroupBackend.EMULATED, bus)) {
            String name = InProcessServerBuilder.generateName();
            var server = InProcessServerBuilder.forName(name).addService(system.service()).build().start();
            var channel = InProcessChannelBuilder.forName(name).build();
            try {
                var stub = AgentCgroupServiceGrpc.newBlockingStub(channel);
                stub.createSession(CreateSessionRequest.newBuilder().setSessionId("s9").setPriority(Priority.PRIORITY_LOW).addAllowedCommands("sh").build());
                stub.runToolCall(RunToolCallRequest.newBuilder().setSessionId("s9").setCallId("c1").addAllArgv(List.of("sh", "-c", "echo hi"))
                        .setTimeoutSeconds(30).build()).forEachRemaining(e -> { });
            } finally {
                channel.shutdownNow();
                server.shutdownNow();
            }
        }
        assertThat(seen).containsSubsequence("s9 EVENT_KIND_SESSION_OPENED ", "s9 EVENT_KIND_CALL_STARTED c1", "s9 EVENT_KIND_CALL_ENDED c1");
    }
}
