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

    @Test
    void aConsumerGroupSharesATopicHandsOverWhenAMemberLeavesAndResumesWhereItCommitted() throws Exception {
        String topic = "keelson.test.work";
        try (KafkaEventBus publisher = new KafkaEventBus(broker.bootstrap(), 4, (short) 1);
             KafkaEventBus one = new KafkaEventBus(broker.bootstrap(), 4, (short) 1);
             KafkaEventBus two = new KafkaEventBus(broker.bootstrap(), 4, (short) 1)) {
            List<String> byOne = new CopyOnWriteArrayList<>();
            List<String> byTwo = new CopyOnWriteArrayList<>();
            Runnable leaveOne = one.consume(topic, "workers", e -> byOne.add(text(e)));
            Runnable leaveTwo = two.consume(topic, "workers", e -> byTwo.add(text(e)));
            // until both members hold partitions (the group has settled), so no rebalance hands anything out twice
            int warmUp = 0;
            for (int round = 0; byOne.isEmpty() || byTwo.isEmpty(); round++) {
                assertThat(round).as("both members assigned within 60 s").isLessThan(300);
                warmUp += publish(publisher, topic, -12, 12).size();
                Thread.sleep(200);
            }
            int warmedUp = warmUp;
            await(() -> byOne.size() + byTwo.size() >= warmedUp);
            byOne.clear();
            byTwo.clear();
            List<String> first = publish(publisher, topic, 0, 300);
            await(() -> byOne.size() + byTwo.size() >= 300);
            Thread.sleep(500); // anything handed out twice would have arrived by now
            List<String> both = new ArrayList<>(byOne);
            both.addAll(byTwo);
            assertThat(both).as("each event to one member").containsExactlyInAnyOrderElementsOf(first);
            assertThat(byOne).as("the members share the partitions").isNotEmpty();
            assertThat(byTwo).isNotEmpty();

            leaveOne.run();
            byTwo.clear();
            List<String> second = publish(publisher, topic, 300, 100);
            await(() -> byTwo.containsAll(second));
            assertThat(byTwo).as("the member left takes over every partition").containsAll(second);

            leaveTwo.run();
            List<String> third = publish(publisher, topic, 400, 50);
            List<String> byThree = new CopyOnWriteArrayList<>();
            Runnable leaveThree = one.consume(topic, "workers", e -> byThree.add(text(e)));
            await(() -> byThree.size() >= 50);
            Thread.sleep(500);
            assertThat(byThree).as("a member joining later resumes where the group committed").containsExactlyInAnyOrderElementsOf(third);
            leaveThree.run();

            List<String> byNewGroup = new CopyOnWriteArrayList<>();
            Runnable leaveNew = two.consume(topic, "auditors", e -> byNewGroup.add(text(e)));
            await(() -> byNewGroup.size() >= 450 + warmedUp);
            assertThat(byNewGroup).as("a new group starts at the beginning").hasSize(450 + warmedUp);
            leaveNew.run();
        }
    }

    private static List<String> publish(KafkaEventBus bus, String topic, int from, int count) {
        List<String> sent = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String key = "k" + (i % 12);
            bus.publish(topic, key, StringValue.of(Integer.toString(i)));
            sent.add(key + ":" + i);
        }
        bus.flush();
        return sent;
    }
}
