package io.keelson.agentcgroup.service;

import com.google.protobuf.InvalidProtocolBufferException;
import io.keelson.agentcgroup.v1.SessionEvent;
import io.keelson.common.events.EventBus;

import java.util.function.Consumer;

/**
 * Session and tool-call events on the event bus: topic {@value #TOPIC}, keyed by session so each session's events
 * stay in order (in-process when embedded, Kafka partitions in cluster mode). {@code StreamEvents} reads them back
 * from the bus, so it shows what every consumer of the topic sees.
 */
public final class SessionEvents {

    public static final String TOPIC = "keelson.agentcgroup.session-events";

    private final EventBus bus;

    SessionEvents(EventBus bus) {
        this.bus = bus;
    }

    void publish(SessionEvent event) {
        bus.publish(TOPIC, event.getSessionId(), event);
    }

    /** @param sessionId only this session's events, or every session's when empty */
    Runnable subscribe(String sessionId, Consumer<SessionEvent> sink) {
        return bus.subscribe(TOPIC, sessionId, e -> {
            try {
                sink.accept(SessionEvent.parseFrom(e.payload()));
            } catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException("a " + TOPIC + " event that is not a SessionEvent", ex);
            }
        });
    }
}
