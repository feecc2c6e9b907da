package io.keelson.common.events;

import com.google.protobuf.MessageLite;

import java.util.function.Consumer;

/**
 * Where systems publish their event streams (tool-call events, telemetry, journal replication): in-process in
 * embedded mode ({@link InProcessEventBus}), Apache Kafka in cluster mode. Events are protobuf bytes on a topic,
 * with a key (a node, a session, a job) that orders them: a subscriber sees one key's events in publish order.
 */
public interface EventBus extends AutoCloseable {

    /** An event as the bus carries it. */
    record Event(String topic, String key, byte[] payload) {
    }

    void publish(String topic, String key, MessageLite event);

    /**
     * Delivers every later event of {@code topic} with {@code key} (every key when empty) to {@code listener};
     * returns what unsubscribes it.
     */
    Runnable subscribe(String topic, String key, Consumer<Event> listener);

    @Override
    default void close() {
    }
}
