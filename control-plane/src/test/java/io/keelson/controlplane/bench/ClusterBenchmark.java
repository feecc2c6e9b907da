package io.keelson.controlplane.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.keelson.common.events.KafkaEventBus;
import io.keelson.common.testing.KafkaBroker;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.controlplane.testing.PlatformProcess;
import io.keelson.controlplane.testing.ServiceProcess;
import io.keelson.controlplane.testing.TestDatabases;
import io.keelson.echo.v1.EchoRequest;
import io.keelson.echo.v1.EchoServiceGrpc;
import io.keelson.wio.service.WioServer;
import io.keelson.wio.v1.ListActorsRequest;
import io.keelson.wio.v1.WioServiceGrpc;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cluster mode through the gateway, every part its own process (PostgreSQL from ./keelson bench, a KRaft broker,
 * echo and wio as standalone servers, control-plane replicas on one database):
 * <ol>
 *   <li>calls/s and latency under load with one replica taking all the load and with two replicas sharing it
 *   (the same client, the same number of calls in flight, every reply checked);</li>
 *   <li>Kafka end to end: events published with the event bus's producer, received by another bus's consumer;</li>
 *   <li>with {@code soak-minutes} &gt; 0, a mixed load (echo and wio through both replicas) for that long, stopping
 *   at the first error, with each replica's resident memory every minute.</li>
 * </ol>
 * {@code java ClusterBenchmark JAR [soak-minutes]}; needs KEELSON_TEST_PG_URL (./keelson bench cluster sets it).
 */
public final class ClusterBenchmark {

    private static final int IN_FLIGHT = 64;
    private static final Duration RUN = Duration.ofSeconds(8);
    private static final int EVENTS = 200_000;

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        int soakMinutes = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        Path work = Files.createTempDirectory("keelson-cluster-bench");
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        TestDatabases.PostgresServer pg = TestDatabases.postgres();
        try (KafkaBroker kafka = KafkaBroker.start(Files.createDirectories(work.resolve("kafka")));
             ServiceProcess echo = new ServiceProcess().start(0);
             ServiceProcess wio = ServiceProcess.of(WioServer.class, Map.of("KEELSON_HOME", work.resolve("wio").toString())).start(0)) {
            Map<String, String> config = new HashMap<>(Map.of("quarkus.profile", "cluster", "keelson.events.kafka-bootstrap", kafka.bootstrap(),
                    "keelson.systems.echo.address", echo.address(), "keelson.systems.wio.address", wio.address()));
            Map<String, String> database = Map.of("KEELSON_POSTGRES_URL", pg.freshSchemaUrl(), "KEELSON_POSTGRES_USER", pg.user(),
                    "KEELSON_POSTGRES_PASSWORD", pg.password());
            try (PlatformProcess a = PlatformProcess.start(jar, work.resolve("a"), config, database);
                 PlatformProcess b = PlatformProcess.start(jar, work.resolve("b"), config, database)) {
                String token = a.adminToken();
                List<String> one = List.of("127.0.0.1:" + a.gatewayPort());
                List<String> two = List.of("127.0.0.1:" + a.gatewayPort(), "127.0.0.1:" + b.gatewayPort());
                load("warm-up", two, token); // both replicas' JITs and connections
                Load single = load("1 replica", one, token);
                Load pair = load("2 replicas", two, token);
                System.out.println();
                System.out.printf(Locale.ROOT, "%-12s %12s %9s %9s %9s%n", "gateway", "calls/s", "p50 us", "p99 us", "p99.9 us");
                for (Load l : List.of(single, pair)) {
                    System.out.printf(Locale.ROOT, "%-12s %12.0f %9.0f %9.0f %9.0f%n", l.name(), l.callsPerSecond(), l.p50(), l.p99(), l.p999());
                }
                System.out.printf(Locale.ROOT, "2 replicas / 1 replica: %.2fx calls/s (client, %d systems' processes, PostgreSQL, Kafka and "
                        + "both replicas share these %d cores)%n", pair.callsPerSecond() / single.callsPerSecond(), 2,
                        Runtime.getRuntime().availableProcessors());
                kafkaEndToEnd(kafka.bootstrap());
                if (soakMinutes > 0) {
                    soak(soakMinutes, two, token, List.of(a, b));
                }
            }
        }
    }

    record Load(String name, double callsPerSecond, double p50, double p99, double p999) {
    }

    /** {@value #IN_FLIGHT} echo calls in flight for a few seconds, spread round-robin over the gateways; every reply checked. */
    private static Load load(String name, List<String> gateways, String token) throws InterruptedException {
        List<ManagedChannel> channels = new ArrayList<>();
        List<EchoServiceGrpc.EchoServiceStub> stubs = new ArrayList<>();
        for (String g : gateways) {
            ManagedChannel c = Grpc.newChannelBuilder(g, InsecureChannelCredentials.create()).directExecutor().build();
            channels.add(c);
            stubs.add(EchoServiceGrpc.newStub(GatewayClient.withBearer(c, token)));
        }
        try {
            EchoLoad.Stats run = EchoLoad.run(stubs, IN_FLIGHT, Duration.ZERO, RUN, () -> Duration.ZERO);
            Load l = new Load(name, run.callsPerSecond(), run.percentileMicros(0.5), run.percentileMicros(0.99), run.percentileMicros(0.999));
            System.out.printf(Locale.ROOT, "measured %-10s %.0f calls/s, p99 %.0f us%n", name, l.callsPerSecond(), l.p99());
            return l;
        } finally {
            for (ManagedChannel c : channels) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Events through the broker: one bus publishes (idempotent producer, acks=all), another bus's consumer receives. */
    private static void kafkaEndToEnd(String bootstrap) throws Exception {
        String topic = "keelson.bench.events";
        try (KafkaEventBus producer = new KafkaEventBus(bootstrap, 6, (short) 1);
             KafkaEventBus consumer = new KafkaEventBus(bootstrap, 6, (short) 1)) {
            producer.publish(topic, "warm", EchoRequest.newBuilder().setMessage("warm").build()); // creates the topic
            producer.flush();
            CountDownLatch all = new CountDownLatch(EVENTS);
            long[] latencies = new long[EVENTS];
            AtomicInteger received = new AtomicInteger();
            AtomicLong misordered = new AtomicLong();
            long[] lastPerKey = new long[16];
            Arrays.fill(lastPerKey, -1);
            Runnable stop = consumer.subscribe(topic, "", e -> {
                try {
                    EchoRequest event = EchoRequest.parseFrom(e.payload());
                    if (event.getMessage().equals("warm")) {
                        return;
                    }
                    long n = Long.parseLong(event.getMessage());
                    int key = Integer.parseInt(e.key());
                    if (n <= lastPerKey[key]) {
                        misordered.incrementAndGet();
                    }
                    lastPerKey[key] = n;
                    int at = received.getAndIncrement();
                    if (at < latencies.length) {
                        latencies[at] = System.nanoTime() - event.getPayload().asReadOnlyByteBuffer().getLong();
                    }
                    all.countDown();
                } catch (InvalidProtocolBufferException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            Thread.sleep(2_000); // the consumer has its partitions
            long start = System.nanoTime();
            for (int i = 0; i < EVENTS; i++) {
                ByteBuffer sent = ByteBuffer.allocate(Long.BYTES).putLong(0, System.nanoTime());
                producer.publish(topic, Integer.toString(i % 16), EchoRequest.newBuilder().setMessage(Integer.toString(i))
                        .setPayload(ByteString.copyFrom(sent.array())).build());
            }
            producer.flush();
            double published = (System.nanoTime() - start) / 1e9;
            boolean complete = all.await(120, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            stop.run();
            if (!complete || misordered.get() > 0) {
                throw new IllegalStateException("Kafka: " + received.get() + " of " + EVENTS + " events received, " + misordered.get()
                        + " out of order within their key");
            }
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "Kafka end to end: %d events (16 keys) published in %.2f s and all received in order within "
                            + "their key after %.2f s: %.0f events/s; publish-to-receive p50 %.1f ms, p99 %.1f ms%n",
                    EVENTS, published, seconds, EVENTS / seconds, EchoLoad.percentileMicros(sorted, 0.5) / 1000, EchoLoad.percentileMicros(sorted, 0.99) / 1000);
        }
    }

    /** Mixed load through both replicas for {@code minutes}; the first error ends it; resident memory each minute. */
    private static void soak(int minutes, List<String> gateways, String token, List<PlatformProcess> replicas) throws InterruptedException {
        List<ManagedChannel> channels = new ArrayList<>();
        for (String g : gateways) {
            channels.add(Grpc.newChannelBuilder(g, InsecureChannelCredentials.create()).build());
        }
        AtomicLong calls = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        for (int t = 0; t < 8; t++) {
            Channel channel = GatewayClient.withBearer(channels.get(t % channels.size()), token);
            boolean wio = t % 4 == 3;
            Thread client = new Thread(() -> {
                var echo = EchoServiceGrpc.newBlockingStub(channel);
                var actors = WioServiceGrpc.newBlockingStub(channel);
                long i = 0;
                while (System.nanoTime() < end && errors.get() == 0) {
                    try {
                        if (wio) {
                            actors.withDeadlineAfter(10, TimeUnit.SECONDS).listActors(ListActorsRequest.getDefaultInstance());
                        } else {
                            String m = "s" + i++;
                            if (!echo.withDeadlineAfter(10, TimeUnit.SECONDS).echo(EchoRequest.newBuilder().setMessage(m).build()).getMessage().equals(m)) {
                                errors.incrementAndGet();
                            }
                        }
                        calls.incrementAndGet();
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                        System.out.println("soak: error " + e);
                    }
                }
            }, "soak-" + t);
            client.start();
            clients.add(client);
        }
        System.out.println();
        System.out.println("soak: minute, calls so far, errors, resident MiB of each replica");
        for (int m = 1; m <= minutes && errors.get() == 0; m++) {
            Thread.sleep(60_000);
            StringBuilder rss = new StringBuilder();
            for (PlatformProcess r : replicas) {
                rss.append(String.format(Locale.ROOT, " %.0f", r.residentBytes() / 1048576.0));
            }
            System.out.printf(Locale.ROOT, "soak: %2d %12d %6d%s%n", m, calls.get(), errors.get(), rss);
        }
        for (Thread c : clients) {
            c.join(30_000);
        }
        channels.forEach(ManagedChannel::shutdownNow);
        System.out.printf(Locale.ROOT, "soak: %d minutes, %d calls (%.0f/s), %d errors%n", minutes, calls.get(),
                calls.get() / (minutes * 60.0), errors.get());
    }
}
