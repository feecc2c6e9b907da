package io.keelson.controlplane.ops;

import io.agroal.api.AgroalDataSource;
import io.grpc.BindableService;
import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;
import io.keelson.controlplane.api.ControlPlaneGrpcService;
import io.keelson.controlplane.audit.AuditStore;
import io.keelson.controlplane.audit.AuditTrail;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.auth.TokenRegistry;
import io.keelson.controlplane.config.KeelsonConfig;
import io.keelson.agentcgroup.service.AgentCgroupSystem;
import io.keelson.controlplane.echo.EchoService;
import io.keelson.gpuos.core.cpu.CpuDevice;
import io.keelson.gpuos.service.GpuOsSystem;
import io.keelson.schedcp.service.SchedCpSystem;
import io.keelson.wio.core.runtime.WioRuntime;
import io.keelson.wio.service.WioSystem;
import io.keelson.sysom.service.SysomSystem;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.keelson.controlplane.gateway.AuthInterceptor;
import io.keelson.controlplane.gateway.ChannelSecurity;
import io.keelson.controlplane.gateway.EmbeddedServer;
import io.keelson.controlplane.gateway.GatewayServer;
import io.keelson.controlplane.gateway.MethodPolicies;
import io.keelson.controlplane.gateway.NettyTransport;
import io.keelson.controlplane.gateway.ObservingInterceptor;
import io.keelson.controlplane.gateway.RoutedServices;
import io.keelson.controlplane.gateway.SystemCatalog;
import io.keelson.controlplane.gateway.SystemProber;
import io.keelson.controlplane.gateway.SystemRouter;
import io.keelson.controlplane.state.AuditLogFile;
import io.keelson.controlplane.state.JdbcAuditStore;
import io.keelson.controlplane.state.JdbcTokenStore;
import io.keelson.controlplane.state.PostgresTokenListener;
import io.keelson.acrfence.service.AcrFenceSystem;
import io.keelson.common.events.EventBus;
import io.keelson.common.events.EventBuses;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Assembles the platform from configuration and runs it: state store, tokens, audit trail,
 * embedded systems, routes and the gateway port. The parts are plain objects; this bean only wires
 * them and owns their lifecycle.
 */
@ApplicationScoped
public class Platform {

    private static final Logger LOG = Logger.getLogger(Platform.class);

    @Inject
    KeelsonConfig config;
    @Inject
    MeterRegistry meters;
    @Inject
    OpenTelemetry openTelemetry;
    @Inject
    @DataSource("embedded")
    jakarta.enterprise.inject.Instance<AgroalDataSource> embeddedDataSource;
    @Inject
    @DataSource("postgresql")
    jakarta.enterprise.inject.Instance<AgroalDataSource> postgresDataSource;
    @ConfigProperty(name = "quarkus.datasource.postgresql.active", defaultValue = "false")
    boolean postgresActive;
    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean otelSdkDisabled;
    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int httpPort;

    /** Everything start() opened, to be closed in reverse order. */
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private TokenRegistry tokens;
    private AuditTrail auditTrail;
    private AuditStore auditStore;
    private SystemRouter router;
    private SystemProber prober;
    private GatewayServer gateway;
    private ManagedChannel gatewayChannel;
    private SystemCatalog catalog;
    private String storeName;

    void start(@Observes StartupEvent event) {
        javax.sql.DataSource dataSource = postgresActive ? postgresDataSource.get() : embeddedDataSource.get();
        storeName = postgresActive ? "postgresql" : "embedded (H2 file and audit log) under " + config.home();
        tokens = new TokenRegistry(new JdbcTokenStore(dataSource), Clock.systemUTC());
        if (postgresActive) {
            running.push(new PostgresTokenListener(dataSource, tokens).start());
        }
        ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(daemonThreads("keelson-token-reload-"));
        running.push(reloader::shutdownNow);
        long every = config.auth().reloadInterval().toMillis();
        reloader.scheduleWithFixedDelay(this::reloadTokens, every, every, TimeUnit.MILLISECONDS);
        Optional<Path> adminToken = bootstrapAdminToken();

        if (postgresActive) {
            auditStore = new JdbcAuditStore(dataSource);
        } else {
            AuditLogFile file = new AuditLogFile(config.home().resolve("audit"));
            running.push(file);
            auditStore = file;
        }
        auditTrail = new AuditTrail(auditStore, config.audit().queueCapacity());
        running.push(auditTrail);

        catalog = SystemCatalog.standard();
        Optional<GrpcTelemetry> tracing = tracing();
        int ioThreads = config.gateway().ioThreads().orElse(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        NettyTransport transport = NettyTransport.create(ioThreads, daemonThreads("keelson-io-"));
        running.push(transport);
        router = new SystemRouter(catalog, addresses(), serviceSecurity(), transport,
                tracing.map(t -> new ClientInterceptor[]{t.newClientInterceptor()}).orElse(new ClientInterceptor[0]));
        running.push(router);
        prober = new SystemProber(config.gateway().probeTimeout());
        running.push(new EmbeddedServer(EmbeddedServer.NAME, embeddedServices()).start());

        ExecutorService blockingPool = Executors.newFixedThreadPool(config.gateway().threads(), daemonThreads("keelson-gateway-"));
        running.push(blockingPool::shutdown);
        MethodPolicies policies = new MethodPolicies(catalog);
        List<ServerInterceptor> interceptors = new ArrayList<>();
        tracing.ifPresent(t -> interceptors.add(t.newServerInterceptor()));
        interceptors.add(new ObservingInterceptor(
                List.of(new AuditObserver(auditTrail), new GatewayMetrics(meters, policies::isDeclared)), Clock.systemUTC()));
        interceptors.add(new AuthInterceptor(tokens, policies));
        gateway = new GatewayServer(config.gateway().host(), config.gateway().port(), gatewayTls(), transport, blockingPool,
                new ControlPlaneGrpcService(router, prober, tokens, auditStore), new RoutedServices(router), interceptors)
                .start();
        running.push(gateway);
        gatewayChannel = gateway.inProcessChannel();
        running.push(gatewayChannel::shutdownNow);

        // port 0: Quarkus binds its HTTP port after this runs, and says which in its "Listening on" line
        String http = httpPort == 0 ? "http://localhost:<the port Quarkus is listening on, below>" : "http://localhost:" + httpPort;
        LOG.infof("Keelson is up: gRPC gateway on %s:%d (reflection on); health and metrics on %s/q/health "
                        + "and /q/metrics; web console on %s/console; state in %s; admin token %s",
                config.gateway().host(), gateway.port(), http, http, storeName,
                adminToken.map(p -> "written to " + p).orElse("already issued (see " + config.home().resolve(AdminTokenFile.NAME) + ")"));
    }

    /** Stops what start() started, newest first: the port closes before the parts behind it. */
    void stop(@Observes ShutdownEvent event) {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                LOG.warnf(e, "while stopping the platform");
            }
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger id = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private void reloadTokens() {
        try {
            tokens.reload();
        } catch (RuntimeException e) {
            LOG.warnf("could not reload API tokens from %s: %s", storeName, e.getMessage());
        }
    }

    /** On the very first start (no token at all) an admin token is made and only its path is printed. */
    private Optional<Path> bootstrapAdminToken() {
        if (!tokens.isEmpty()) {
            return Optional.empty();
        }
        TokenRegistry.IssuedToken issued = tokens.create("bootstrap-admin", Role.ADMIN, Set.of(ApiToken.ALL_SYSTEMS),
                Optional.empty(), "keelson-bootstrap");
        return Optional.of(AdminTokenFile.write(config.home(), issued.bearer()));
    }

    private Map<String, String> addresses() {
        Map<String, String> out = new LinkedHashMap<>();
        config.systems().forEach((name, system) -> system.address().ifPresent(a -> out.put(name, a)));
        return out;
    }

    /**
     * Services hosted in this JVM: echo, and each system routed to {@code in-process:} (a system routed to a
     * remote address is not started here). Each system's service module adds its own as it arrives.
     */
    private List<BindableService> embeddedServices() {
        List<BindableService> services = new ArrayList<>();
        EchoService echo = new EchoService();
        services.add(echo::definition);
        if (addresses().getOrDefault("gpuos", "").startsWith(SystemRouter.IN_PROCESS_PREFIX)) {
            KeelsonConfig.Gpuos g = config.gpuos();
            if (Integer.bitCount(g.queueCapacity()) != 1) {
                throw new IllegalArgumentException("keelson.gpuos.queue-capacity must be a power of two, was " + g.queueCapacity());
            }
            GpuOsSystem gpuos = GpuOsSystem.start(GpuOsSystem.Backend.parse(g.backend(), "keelson.gpuos.backend"), new CpuDevice.Config(g.workers().orElse(Runtime.getRuntime().availableProcessors()),
                    g.queueCapacity(), g.maxTensorBytes(), g.maxDeviceBytes(), CpuDevice.Config.defaults().stallAfter()),
                    Optional.of(config.home().resolve("gpuos")));
            running.push(gpuos);
            services.add(gpuos.service());
        }
        // one bus for the embedded systems: in-process, or the Kafka cluster configured
        KeelsonConfig.Events e = config.events();
        EventBus bus = EventBuses.create(e.kafkaBootstrap(), e.kafkaPartitions(), e.kafkaReplication());
        running.push(bus);
        if (addresses().getOrDefault("agentcgroup", "").startsWith(SystemRouter.IN_PROCESS_PREFIX)) {
            AgentCgroupSystem agentcgroup = AgentCgroupSystem.start(config.home().resolve("agentcgroup"),
                    Set.copyOf(config.agentcgroup().allowedCommands()),
                    io.keelson.agentcgroup.service.CgroupBackend.parse(config.agentcgroup().backend(), "keelson.agentcgroup.backend"), bus);
            running.push(agentcgroup);
            services.add(agentcgroup.service());
        }
        if (addresses().getOrDefault("acrfence", "").startsWith(SystemRouter.IN_PROCESS_PREFIX)) {
            AcrFenceSystem acrfence = AcrFenceSystem.start(config.home().resolve("acrfence"), Set.copyOf(config.acrfence().toolHosts()));
            running.push(acrfence);
            services.add(acrfence.service());
        }
        if (addresses().getOrDefault("sysom", "").startsWith(SystemRouter.IN_PROCESS_PREFIX)) {
            SysomSystem sysom = SysomSystem.start(bus);
            running.push(sysom);
            services.add(sysom.service());
        }
        if (addresses().getOrDefault("schedcp", "").startsWith(SystemRouter.IN_PROCESS_PREFIX)) {
            SchedCpSystem schedcp = SchedCpSystem.start(config.home().resolve("schedcp"), Path.of(config.schedcp().schedulersDir()));
            running.push(schedcp);
            services.add(schedcp.service());
        }
        if (addresses().getOrDefault("wio", "").startsWith(SystemRouter.IN_PROCESS_PREFIX)) {
            KeelsonConfig.Wio w = config.wio();
            if (w.deviceMbPerSecond() <= 0 || w.thermalTimeScale() <= 0 || w.slots() < 1 || w.slots() > 1024) {
                throw new IllegalArgumentException("keelson.wio.device-mb-per-second and keelson.wio.thermal-time-scale must be positive, "
                        + "keelson.wio.slots 1..1024");
            }
            WioRuntime.Settings standard = WioRuntime.Settings.standard();
            WioSystem wio = WioSystem.start(config.home().resolve("wio"), new WioRuntime.Settings(w.slots(), standard.layout(),
                    w.deviceMbPerSecond() * 1e6, standard.hostBytesPerSecond(), w.thermalTimeScale(), standard.decisionPeriod(), standard.platform()));
            running.push(wio);
            services.add(wio.service());
        }
        return services;
    }

    private ChannelSecurity serviceSecurity() {
        KeelsonConfig.Gateway g = config.gateway();
        if (g.serviceTlsCert().isPresent() && (g.serviceTlsKey().isEmpty() || g.serviceTlsCa().isEmpty())) {
            throw new IllegalArgumentException(
                    "keelson.gateway.service-tls-key and keelson.gateway.service-tls-ca are required when keelson.gateway.service-tls-cert is set");
        }
        return new ChannelSecurity(g.serviceTlsCert(), g.serviceTlsKey(), g.serviceTlsCa());
    }

    /** gRPC tracing, only when the OpenTelemetry SDK is on: even a no-op tracer costs ~10% of gateway CPU. */
    private Optional<GrpcTelemetry> tracing() {
        return otelSdkDisabled ? Optional.empty() : Optional.of(GrpcTelemetry.create(openTelemetry));
    }

    private Optional<GatewayServer.Tls> gatewayTls() {
        KeelsonConfig.Gateway g = config.gateway();
        if (g.tlsCert().isPresent() != g.tlsKey().isPresent()) {
            throw new IllegalArgumentException("keelson.gateway.tls-cert and keelson.gateway.tls-key must be set together");
        }
        return g.tlsCert().map(cert -> new GatewayServer.Tls(cert, g.tlsKey().get(), g.tlsClientCa()));
    }

    public int gatewayPort() {
        return gateway.port();
    }

    public boolean gatewayRunning() {
        return gateway != null && gateway.isRunning();
    }

    /** Into the gateway from inside this JVM (the web console's way in): authenticated, authorised and audited as the port is. */
    public Channel gatewayChannel() {
        return gatewayChannel;
    }

    public SystemCatalog catalog() {
        return catalog;
    }

    public TokenRegistry tokens() {
        return tokens;
    }

    public AuditTrail auditTrail() {
        return auditTrail;
    }

    public SystemRouter router() {
        return router;
    }

    public SystemProber prober() {
        return prober;
    }

    public String storeName() {
        return storeName;
    }
}
