package io.keelson.common.events;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import io.keelson.common.testing.KafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka bus against a real KRaft broker: two buses (as two processes would be) exchange keyed events in order. */
class KafkaEventBusTest {

    @TempDir
    static Path dir;
    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(dir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static String text(EventBus.Event e) {
        try {
            return e.key() + ":" + StringValue.parseFrom(e.payload()).getValue();
        } catch (InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
        }
    }

    private static void await(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void subscribersOnAnotherBusSeeEachKeysEventsInOrderFromWhenTheySubscribed() throws Exception {
        try (KafkaEventBus publisher = new KafkaEventBus(broker.bootstrap(), 3, (short) 1);
             KafkaEventBus reader = new KafkaEventBus(broker.bootstrap(), 3, (short) 1)) {
            publisher.publish("keelson.test.events", "early", StringValue.of("before anyone listened"));
            publisher.flush();
            List<String> all = new CopyOnWriteArrayList<>();
            List<String> onlyA = new CopyOnWriteArrayList<>();
            Runnable leaveAll = reader.subscribe("keelson.test.events", "", e -> all.add(text(e)));
            reader.subscribe("keelson.test.events", "a", e -> onlyA.add(text(e)));

            List<String> expectedA = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String key = i % 2 == 0 ? "a" : "b" + (i % 5);
                publisher.publish("keelson.test.events", key, StringValue.of(Integer.toString(i)));
                if (key.equals("a")) {
                    expectedA.add("a:" + i);
                }
            }
            publisher.flush();
            await(() -> all.size() >= 50 && onlyA.size() >= 25);

            assertThat(onlyA).containsExactlyElementsOf(expectedA); // one key, one partition: publish order
            assertThat(all).hasSize(50).containsAll(expectedA).doesNotContain("early:before anyone listened");
            assertThat(all.stream().filter(s -> s.startsWith("b1:")).toList()).containsExactly("b1:1", "b1:11", "b1:21", "b1:31", "b1:41");

            leaveAll.run();
            publisher.publish("keelson.test.events", "a", StringValue.of("after"));
            publisher.flush();
            await(() -> onlyA.contains("a:after"));
            assertThat(onlyA).endsWith("a:after");
            assertThat(all).hasSize(50);
        }
    }
}
