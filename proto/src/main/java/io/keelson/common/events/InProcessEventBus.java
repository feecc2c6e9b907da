package io.keelson.common.events;

import com.google.protobuf.MessageLite;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The embedded mode's bus: delivery on the publisher's thread, so one key's events (published in order by their
 * owner) arrive in order. Payloads are serialised as on Kafka, so subscribers are written once for both.
 */
public final class InProcessEventBus implements EventBus {

    private record Subscriber(String key, Consumer<Event> listener) {
    }

    private final Map<String, List<Subscriber>> topics = new ConcurrentHashMap<>();

    @Override
    public void publish(String topic, String key, MessageLite event) {
        List<Subscriber> subscribers = topics.get(topic);
        if (subscribers == null) {
            return;
        }
        Event e = new Event(topic, key, event.toByteArray());
        for (Subscriber s : subscribers) {
            if (s.key().isEmpty() || s.key().equals(key)) {
                s.listener().accept(e);
            }
        }
    }

    @Override
    public Runnable subscribe(String topic, String key, Consumer<Event> listener) {
        Subscriber s = new Subscriber(key, listener);
        List<Subscriber> subscribers = topics.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
        subscribers.add(s);
        return () -> subscribers.remove(s);
    }

    /** How many subscriptions {@code topic} has now (e.g. to know a stream that subscribes asynchronously is listening). */
    public int subscribers(String topic) {
        List<Subscriber> subscribers = topics.get(topic);
        return subscribers == null ? 0 : subscribers.size();
    }
}
