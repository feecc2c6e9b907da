package io.keelson.agentcgroup.service;

import io.keelson.agentcgroup.v1.SessionEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Fans session events out to the StreamEvents subscribers of this process (Kafka carries them in cluster mode, later). */
final class EventHub {

    private record Subscriber(String sessionId, Consumer<SessionEvent> sink) {
    }

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    /** @param sessionId only this session's events, or every session's when empty */
    Runnable subscribe(String sessionId, Consumer<SessionEvent> sink) {
        Subscriber s = new Subscriber(sessionId, sink);
        subscribers.add(s);
        return () -> subscribers.remove(s);
    }

    void publish(SessionEvent event) {
        for (Subscriber s : subscribers) {
            if (s.sessionId().isEmpty() || s.sessionId().equals(event.getSessionId())) {
                s.sink().accept(event);
            }
        }
    }
}
