package io.keelson.common.events;

import java.util.Map;
import java.util.Optional;

/** The bus a process uses: Kafka where a bootstrap address is configured (cluster mode), else the in-process one. */
public final class EventBuses {

    private EventBuses() {
    }

    public static EventBus create(Optional<String> kafkaBootstrap, int partitions, short replication) {
        if (partitions < 1 || replication < 1) {
            throw new IllegalArgumentException("Kafka topics need at least one partition and one replica, got " + partitions + " and " + replication);
        }
        return kafkaBootstrap.filter(b -> !b.isBlank()).<EventBus>map(b -> new KafkaEventBus(b, partitions, replication))
                .orElseGet(InProcessEventBus::new);
    }

    /**
     * For a standalone service: {@code KEELSON_KAFKA_BOOTSTRAP} (unset: in-process), {@code KEELSON_KAFKA_PARTITIONS}
     * (default 6) and {@code KEELSON_KAFKA_REPLICATION} (default 1; 3 on a production cluster).
     */
    public static EventBus fromEnvironment(Map<String, String> env) {
        try {
            return create(Optional.ofNullable(env.get("KEELSON_KAFKA_BOOTSTRAP")), Integer.parseInt(env.getOrDefault("KEELSON_KAFKA_PARTITIONS", "6")),
                    Short.parseShort(env.getOrDefault("KEELSON_KAFKA_REPLICATION", "1")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("KEELSON_KAFKA_PARTITIONS and KEELSON_KAFKA_REPLICATION must be numbers: " + e.getMessage(), e);
        }
    }
}
