package io.keelson.common.events;

import com.google.protobuf.MessageLite;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The cluster mode's bus on Apache Kafka. Each topic is created on first use with the configured partitions and
 * replication; an event's key picks its partition, so one key's events keep their order. The producer is
 * idempotent ({@code acks=all}): a retried send is not written twice. A subscription reads every partition of its
 * topic from the end as it was when {@link #subscribe} returned (no consumer group: every subscriber sees every
 * event, like the in-process bus), on a thread of its own. {@link #consume} is the other way to read: a consumer
 * group, whose members share a topic's partitions and resume from the group's committed position.
 */
public final class KafkaEventBus implements EventBus {

    private static final Logger LOG = Logger.getLogger(KafkaEventBus.class.getName());
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;
    private final int partitions;
    private final short replication;
    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();

    /** @param bootstrap Kafka's {@code bootstrap.servers}, e.g. {@code kafka-0.kafka:9092} */
    public KafkaEventBus(String bootstrap, int partitions, short replication) {
        this.bootstrap = bootstrap;
        this.partitions = partitions;
        this.replication = replication;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void publish(String topic, String key, MessageLite event) {
        ensureTopic(topic);
        producer.send(new ProducerRecord<>(topic, key, event.toByteArray()), (metadata, error) -> {
            if (error != null) {
                LOG.warning("event on " + topic + " (key " + key + ") not delivered: " + error.getMessage());
            }
        });
    }

    @Override
    public Runnable subscribe(String topic, String key, Consumer<Event> listener) {
        ensureTopic(topic);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> all = consumer.partitionsFor(topic, ADMIN_TIMEOUT).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(all);
        consumer.seekToEnd(all);
        all.forEach(consumer::position); // fixes "later" now, not at the first poll
        return start(new Subscription(consumer, key, listener, false), "event-bus-" + topic);
    }

    private static Runnable start(Subscription subscription, String name) {
        Thread thread = new Thread(subscription, name);
        thread.setDaemon(true);
        thread.start();
        return () -> {
            subscription.stop();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /**
     * Joins consumer group {@code group} on {@code topic}: the group's members (in any process) share the topic's
     * partitions, so each event goes to one of them, and a member that leaves hands its partitions to the others.
     * Positions are committed after the listener has returned for a batch, so an event is handled at least once: after
     * a crash, what was handed out but not committed is handed out again; a group new to the topic starts at its
     * beginning. Returns what leaves the group.
     */
    public Runnable consume(String topic, String group, Consumer<Event> listener) {
        ensureTopic(topic);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return start(new Subscription(consumer, "", listener, true), "event-group-" + group + "-" + topic);
    }

    /** Waits until every event published so far is acknowledged by the brokers. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        admin.close(Duration.ofSeconds(10));
    }

    private void ensureTopic(String topic) {
        if (knownTopics.contains(topic)) {
            return;
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replication))).all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create Kafka topic " + topic + " at " + bootstrap + ": " + e.getCause().getMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within " + ADMIN_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka topic " + topic, e);
        }
        knownTopics.add(topic);
    }

    /** One subscriber's poll loop; a group member's commits its position after each batch its listener handled. */
    private static final class Subscription implements Runnable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final String key;
        private final Consumer<Event> listener;
        private final boolean commits;
        private volatile boolean stopped;

        Subscription(KafkaConsumer<String, byte[]> consumer, String key, Consumer<Event> listener, boolean commits) {
            this.consumer = consumer;
            this.key = key;
            this.listener = listener;
            this.commits = commits;
        }

        @Override
        public void run() {
            try (consumer) {
                try {
                    while (!stopped) {
                        var batch = consumer.poll(Duration.ofMillis(200));
                        for (ConsumerRecord<String, byte[]> r : batch) {
                            if (key.isEmpty() || key.equals(r.key())) {
                                deliver(new Event(r.topic(), r.key(), r.value()));
                            }
                        }
                        if (commits && !batch.isEmpty()) {
                            consumer.commitSync();
                        }
                    }
                } catch (WakeupException e) {
                    // stopped, perhaps inside a commit
                }
                if (commits) {
                    // every batch polled was handed to the listener: leaving, commit it so the next owner starts after it
                    consumer.commitSync(Duration.ofSeconds(5));
                }
            } catch (RuntimeException e) {
                LOG.warning("event subscription ended: " + e.getMessage());
            }
        }

        private void deliver(Event event) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warning("event listener on " + event.topic() + " failed: " + e.getMessage());
            }
        }

        void stop() {
            stopped = true;
            consumer.wakeup();
        }
    }
}
