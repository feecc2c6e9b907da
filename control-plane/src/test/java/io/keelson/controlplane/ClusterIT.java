package io.keelson.controlplane;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.acrfence.service.AcrFenceServer;
import io.keelson.acrfence.v1.AcrFenceServiceGrpc;
import io.keelson.acrfence.v1.InvokeToolRequest;
import io.keelson.acrfence.v1.ListEffectsRequest;
import io.keelson.acrfence.v1.OpenRunRequest;
import io.keelson.agentcgroup.service.AgentCgroupServer;
import io.keelson.agentcgroup.service.SessionEvents;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.CreateSessionRequest;
import io.keelson.agentcgroup.v1.ListSessionsRequest;
import io.keelson.agentcgroup.v1.Priority;
import io.keelson.common.events.KafkaEventBus;
import io.keelson.common.grpc.SingleResponse;
import io.keelson.common.testing.KafkaBroker;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.controlplane.v1.ListSystemsRequest;
import io.keelson.controlplane.testing.PlatformProcess;
import io.keelson.controlplane.testing.ServiceProcess;
import io.keelson.controlplane.testing.TestDatabases;
import io.keelson.controlplane.v1.CreateApiTokenRequest;
import io.keelson.common.v1.Role;
import io.keelson.gpuos.service.GpuOsServer;
import io.keelson.gpuos.v1.GpuOsServiceGrpc;
import io.keelson.gpuos.v1.ListDevicesRequest;
import io.keelson.schedcp.service.SchedCpServer;
import io.keelson.schedcp.v1.CreateWorkloadRequest;
import io.keelson.schedcp.v1.ListWorkloadsRequest;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.keelson.sysom.agent.StepReports;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.xfault.ClusterSimulator;
import io.keelson.sysom.core.xfault.KernelProfile;
import io.keelson.sysom.core.xfault.Topology;
import io.keelson.sysom.service.SysomServer;
import io.keelson.sysom.v1.ListJobsRequest;
import io.keelson.sysom.v1.StreamEventsResponse;
import io.keelson.sysom.v1.SysomServiceGrpc;
import io.keelson.wio.service.WioServer;
import io.keelson.wio.v1.DeployActorRequest;
import io.keelson.wio.v1.ListActorsRequest;
import io.keelson.wio.v1.Side;
import io.keelson.wio.v1.WioServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Cluster mode on one machine, every part its own process: a Kafka broker, PostgreSQL, each system's standalone
 * server and two control-plane replicas (the packaged jar, "cluster" profile, one database). The cross-system calls
 * go through either gateway; under load, one system and then one replica are killed with SIGKILL: calls to them
 * fail fast with UNAVAILABLE while the rest carry on, they recover when the process returns, and nothing that was
 * acknowledged - a token, an effect, an actor, an event - is lost.
 */
class ClusterIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final long FAIL_FAST_MILLIS = 3_000;

    @TempDir
    Path dir;

    @Test
    void twoReplicasOverSeparateSystemsSurviveKillsWithoutLosingWhatWasAcknowledged() throws Exception {
        TestDatabases.PostgresServer pg = TestDatabases.postgres();
        try (KafkaBroker kafka = KafkaBroker.start(java.nio.file.Files.createDirectories(dir.resolve("kafka")));
             KafkaEventBus events = new KafkaEventBus(kafka.bootstrap(), 6, (short) 1)) {
            Set<String> opened = ConcurrentHashMap.newKeySet();
            events.subscribe(SessionEvents.TOPIC, "", e -> opened.add(e.key()));

            Map<String, ServiceProcess> systems = new HashMap<>();
            Map<String, String> common = Map.of("KEELSON_KAFKA_BOOTSTRAP", kafka.bootstrap());
            String schemaSuffix = Long.toHexString(System.nanoTime());
            systems.put("wio", ServiceProcess.of(WioServer.class, with(common, "KEELSON_HOME", dir.resolve("wio").toString())));
            systems.put("gpuos", ServiceProcess.of(GpuOsServer.class, with(common, "KEELSON_HOME", dir.resolve("gpuos").toString())));
            systems.put("sysom", ServiceProcess.of(SysomServer.class, with(common, "KEELSON_HOME", dir.resolve("sysom").toString())));
            // agentcgroup has an instance per node: two "nodes" here, sharing one database
            for (String node : List.of("node-a", "node-b")) {
                systems.put("agentcgroup@" + node, ServiceProcess.of(AgentCgroupServer.class, with(with(with(jdbc(common, "AGENTCGROUP", pg,
                        "acg_" + schemaSuffix), "KEELSON_HOME", dir.resolve("agentcgroup-" + node).toString()), "KEELSON_AGENTCGROUP_BACKEND", "emulated"),
                        "KEELSON_NODE_NAME", node)));
            }
            systems.put("acrfence", ServiceProcess.of(AcrFenceServer.class, jdbc(common, "ACRFENCE", pg, "acr_" + schemaSuffix)));
            systems.put("schedcp", ServiceProcess.of(SchedCpServer.class, with(jdbc(common, "SCHEDCP", pg, "sched_" + schemaSuffix),
                    "KEELSON_SCHEDCP_STATE", dir.resolve("schedcp").toString())));
            systems.values().forEach(s -> s.start(0));

            Map<String, String> config = new HashMap<>(Map.of("quarkus.profile", "cluster", "keelson.systems.echo.address", "",
                    "keelson.events.kafka-bootstrap", kafka.bootstrap()));
            systems.forEach((name, s) -> {
                if (!name.contains("@")) {
                    config.put("keelson.systems." + name + ".address", s.address());
                }
            });
            config.put("keelson.systems.agentcgroup.address", "nodes:" + systems.get("agentcgroup@node-a").address() + ","
                    + systems.get("agentcgroup@node-b").address());
            Map<String, String> database = Map.of("KEELSON_POSTGRES_URL", pg.freshSchemaUrl(), "KEELSON_POSTGRES_USER", pg.user(),
                    "KEELSON_POSTGRES_PASSWORD", pg.password());
            PlatformProcess a = PlatformProcess.start(JAR, dir.resolve("a"), config, database);
            PlatformProcess b = PlatformProcess.start(JAR, dir.resolve("b"), config, database);
            try (GatewayClient gatewayA = GatewayClient.connect(a.gatewayPort()); GatewayClient gatewayB = GatewayClient.connect(b.gatewayPort())) {
                // A token made through one replica works on the other at once (PostgreSQL, LISTEN/NOTIFY).
                String operator = gatewayA.controlPlane(a.adminToken()).createApiToken(CreateApiTokenRequest.newBuilder().setName("cluster-op")
                        .setRole(Role.ROLE_OPERATOR).addScopes("*").build()).getSecret();
                Channel viaA = gatewayA.as(operator);
                Channel viaB = gatewayB.as(operator);

                // The cross-system suite, each system written through one gateway and read through the other.
                WioServiceGrpc.newBlockingStub(viaA).deployActor(DeployActorRequest.newBuilder().setName("cluster-crc").setBundled("crc32c")
                        .setSide(Side.SIDE_HOST).build());
                assertThat(WioServiceGrpc.newBlockingStub(viaB).listActors(ListActorsRequest.getDefaultInstance()).getActorsList())
                        .extracting(x -> x.getName()).containsExactly("cluster-crc");
                AcrFenceServiceGrpc.AcrFenceServiceBlockingStub fenceA = AcrFenceServiceGrpc.newBlockingStub(viaA);
                String branch = fenceA.openRun(OpenRunRequest.newBuilder().setRunId("cluster-run").build()).getBranch().getBranchId();
                // a session lives on the node it was created on; a call must say which node when there are several
                // (a replica just started may not have heard from every node yet: UNAVAILABLE, which a client retries)
                await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptionsMatching(e -> e instanceof StatusRuntimeException s
                        && s.getStatus().getCode() == Status.Code.UNAVAILABLE).untilAsserted(() -> {
                    for (Channel replica : List.of(viaA, viaB)) {
                        for (String node : List.of("node-a", "node-b")) {
                            AgentCgroupServiceGrpc.newBlockingStub(GatewayClient.onNode(replica, node)).listSessions(ListSessionsRequest.getDefaultInstance());
                        }
                    }
                });
                AgentCgroupServiceGrpc.newBlockingStub(GatewayClient.onNode(viaB, "node-a")).createSession(CreateSessionRequest.newBuilder()
                        .setSessionId("cluster-s").setPriority(Priority.PRIORITY_LOW).addAllowedCommands("sh").build());
                assertThat(AgentCgroupServiceGrpc.newBlockingStub(GatewayClient.onNode(viaA, "node-a")).listSessions(ListSessionsRequest
                        .getDefaultInstance()).getSessionsList()).extracting(x -> x.getSessionId()).containsExactly("cluster-s");
                assertThat(AgentCgroupServiceGrpc.newBlockingStub(GatewayClient.onNode(viaA, "node-b")).listSessions(ListSessionsRequest
                        .getDefaultInstance()).getSessionsList()).isEmpty();
                assertThatThrownBy(() -> AgentCgroupServiceGrpc.newBlockingStub(viaA).listSessions(ListSessionsRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                            assertThat(e.getStatus().getDescription()).contains("[node-a, node-b]");
                        });
                // the web console's pages name their node too
                assertThat(consoleListSessions(b, operator, "node-a").body()).contains("cluster-s");
                HttpResponse<String> onB = consoleListSessions(b, operator, "node-b");
                assertThat(onB.statusCode()).isEqualTo(200);
                assertThat(onB.body()).doesNotContain("cluster-s");
                assertThat(consoleListSessions(b, operator, "").statusCode()).as("no node among two: FAILED_PRECONDITION").isEqualTo(412);
                HttpResponse<String> badNode = consoleListSessions(b, operator, "no/such node");
                assertThat(badNode.statusCode()).isEqualTo(400);
                assertThat(badNode.body()).contains("X-Keelson-Node");
                assertThat(gatewayB.controlPlane(operator).listSystems(ListSystemsRequest.getDefaultInstance()).getSystemsList().stream()
                        .filter(x -> x.getName().equals("agentcgroup")).findFirst().orElseThrow().getNodesList())
                        .extracting(n -> n.getNode() + (n.getAnswering() ? "" : " (not answering)")).containsExactly("node-a", "node-b");
                String workload = SchedCpServiceGrpc.newBlockingStub(viaA).createWorkload(CreateWorkloadRequest.newBuilder()
                        .setDescription("cluster workload").build()).getWorkloadId();
                assertThat(SchedCpServiceGrpc.newBlockingStub(viaB).listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getWorkloadsList())
                        .extracting(x -> x.getWorkloadId()).contains(workload);
                streamSteps(viaB, "cluster-job", 4);
                assertThat(SysomServiceGrpc.newBlockingStub(viaA).listJobs(ListJobsRequest.getDefaultInstance()).getJobsList())
                        .extracting(j -> j.getJob()).containsExactly("cluster-job");
                assertThat(GpuOsServiceGrpc.newBlockingStub(viaB).listDevices(ListDevicesRequest.getDefaultInstance()).getDevicesList()).isNotEmpty();
                await().atMost(java.time.Duration.ofSeconds(30)).until(() -> opened.contains("cluster-s"));

                // Load through both replicas: effects (each acknowledged one remembered) and reads of wio.
                List<String> acknowledged = new CopyOnWriteArrayList<>();
                AtomicBoolean loading = new AtomicBoolean(true);
                AtomicInteger n = new AtomicInteger();
                List<Thread> load = new ArrayList<>();
                for (Channel via : List.of(viaA, viaB)) {
                    Thread t = new Thread(() -> {
                        while (loading.get()) {
                            int i = n.incrementAndGet();
                            try {
                                acknowledged.add(AcrFenceServiceGrpc.newBlockingStub(via).withDeadlineAfter(5, TimeUnit.SECONDS)
                                        .invokeTool(InvokeToolRequest.newBuilder().setRunId("cluster-run").setBranchId(branch).setTool("transfer")
                                                .setArgumentsJson("{\"to\":\"acme\",\"amount\":" + i + ",\"reference\":\"load-" + i + "\"}").build())
                                        .getEffectId());
                            } catch (StatusRuntimeException refused) {
                                // not acknowledged (its replica is down): nothing to account for; no busy loop meanwhile
                                try {
                                    Thread.sleep(20);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        }
                    }, "cluster-load");
                    t.start();
                    load.add(t);
                }
                await().atMost(java.time.Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 20);

                // A system killed mid-load: its calls fail fast, the others carry on, and it comes back with its actors.
                systems.get("wio").kill();
                assertFailsFast(() -> WioServiceGrpc.newBlockingStub(viaA).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listActors(ListActorsRequest.getDefaultInstance()));
                int before = acknowledged.size();
                await().atMost(java.time.Duration.ofSeconds(30)).until(() -> acknowledged.size() >= before + 20);
                systems.get("wio").restart();
                await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                        assertThat(WioServiceGrpc.newBlockingStub(viaB).listActors(ListActorsRequest.getDefaultInstance()).getActorsList())
                                .extracting(x -> x.getName()).containsExactly("cluster-crc"));

                // A replica killed mid-load: its clients fail fast, the other replica serves everything.
                a.kill();
                // a client connecting to it now is refused at once (a call already on the old connection may end
                // UNKNOWN "channel closed" instead: grpc-java's report of a connection lost under it)
                try (GatewayClient dead = GatewayClient.connect(a.gatewayPort())) {
                    assertFailsFast(() -> GpuOsServiceGrpc.newBlockingStub(dead.as(operator)).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .listDevices(ListDevicesRequest.getDefaultInstance()));
                }
                int afterKill = acknowledged.size();
                await().atMost(java.time.Duration.ofSeconds(30)).until(() -> acknowledged.size() >= afterKill + 20);
                loading.set(false);
                for (Thread t : load) {
                    t.join(30_000);
                }

                // Nothing acknowledged is lost: every effect is in the journal, read through the surviving replica.
                List<String> journal = new ArrayList<>();
                String page = "";
                do {
                    var effects = AcrFenceServiceGrpc.newBlockingStub(viaB).listEffects(ListEffectsRequest.newBuilder().setRunId("cluster-run")
                            .setPageSize(1000).setPageToken(page).build());
                    effects.getEffectsList().forEach(e -> journal.add(e.getEffectId()));
                    page = effects.getNextPageToken();
                } while (!page.isEmpty());
                assertThat(journal).containsAll(acknowledged);
                assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(60);
                System.out.printf("cluster: %d effects acknowledged through two replicas across both kills, all %d in the journal%n",
                        acknowledged.size(), journal.size());

                // The node service killed with a session open: back on the same database, it says the session ended with it.
                // meanwhile node-b's instance goes on serving, and a call for node-a fails fast
                systems.get("agentcgroup@node-a").kill();
                assertFailsFast(() -> AgentCgroupServiceGrpc.newBlockingStub(GatewayClient.onNode(viaB, "node-a")).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listSessions(ListSessionsRequest.getDefaultInstance()));
                assertThat(AgentCgroupServiceGrpc.newBlockingStub(GatewayClient.onNode(viaB, "node-b")).listSessions(ListSessionsRequest
                        .getDefaultInstance()).getSessionsList()).isEmpty();
                systems.get("agentcgroup@node-a").restart();
                await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                    var closed = AgentCgroupServiceGrpc.newBlockingStub(GatewayClient.onNode(viaB, "node-a")).listSessions(ListSessionsRequest
                            .newBuilder().setClosedLimit(10).build()).getClosedList();
                    assertThat(closed).extracting(x -> x.getSessionId() + "@" + x.getNode()).containsExactly("cluster-s@node-a");
                    assertThat(closed.get(0).getReason()).contains("restarted");
                });

                // The killed replica comes back on the same database: the operator's token still works there.
                try (PlatformProcess again = PlatformProcess.start(JAR, dir.resolve("a2"), config, database);
                     GatewayClient gatewayA2 = GatewayClient.connect(again.gatewayPort())) {
                    assertThat(WioServiceGrpc.newBlockingStub(gatewayA2.as(operator)).listActors(ListActorsRequest.getDefaultInstance())
                            .getActorsList()).hasSize(1);
                }
            } finally {
                a.close();
                b.close();
                systems.values().forEach(ServiceProcess::close);
            }
        }
    }

    private static HttpResponse<String> consoleListSessions(PlatformProcess platform, String token, String node) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.httpPort()
                        + "/console/api/rpc/keelson.agentcgroup.v1.AgentCgroupService/ListSessions"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Cookie", "keelson_console=" + token).header("X-Keelson-Console", "1");
        if (!node.isEmpty()) {
            request.header("X-Keelson-Node", node);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertFailsFast(Runnable call) {
        long start = System.nanoTime();
        try {
            call.run();
            throw new AssertionError("the call succeeded");
        } catch (StatusRuntimeException e) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(millis).as("failed after %d ms", millis).isLessThan(FAIL_FAST_MILLIS);
            System.out.printf("cluster: UNAVAILABLE after %d ms: %s%n", millis, e.getStatus().getDescription());
        }
    }

    private static void streamSteps(Channel via, String job, int steps) throws Exception {
        Topology topology = new Topology(2, 2, 2);
        ClusterSimulator cluster = new ClusterSimulator(ClusterSimulator.Config.of(topology, KernelProfile.bundled(), 3), List.of());
        SingleResponse<StreamEventsResponse> accepted = new SingleResponse<>();
        var reports = SysomServiceGrpc.newStub(via).streamEvents(accepted);
        for (int s = 0; s < steps; s++) {
            for (RankStep step : cluster.step()) {
                reports.onNext(StepReports.of(job, topology.ranks(), step));
            }
        }
        reports.onCompleted();
        assertThat(accepted.get(30).getAccepted()).isEqualTo((long) steps * topology.ranks());
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> out = new HashMap<>(env);
        out.put(key, value);
        return out;
    }

    private static Map<String, String> jdbc(Map<String, String> env, String system, TestDatabases.PostgresServer pg, String schema) {
        Map<String, String> out = new HashMap<>(env);
        out.put("KEELSON_" + system + "_JDBC_URL", pg.url());
        out.put("KEELSON_" + system + "_JDBC_USER", pg.user());
        out.put("KEELSON_" + system + "_JDBC_PASSWORD", pg.password());
        out.put("KEELSON_" + system + "_JDBC_SCHEMA", schema);
        return out;
    }
}
