package io.keelson.controlplane.gateway;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.keelson.controlplane.v1.DeploymentMode;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Resolves a system name to its route; owns the channels it opened. */
public final class SystemRouter implements AutoCloseable {

    public static final String IN_PROCESS_PREFIX = "in-process:";
    public static final String NODES_PREFIX = "nodes:";

    private final SystemCatalog catalog;
    private final Map<String, SystemRoute> routes = new LinkedHashMap<>();

    /**
     * @param addresses system name → address, as configured under {@code keelson.systems.<name>.address}
     * @throws IllegalArgumentException naming the configuration key when a name or address is bad
     */
    public SystemRouter(SystemCatalog catalog, Map<String, String> addresses, ChannelSecurity security,
                        NettyTransport transport, ClientInterceptor... interceptors) {
        this.catalog = catalog;
        addresses.forEach((name, address) -> {
            if (catalog.find(name).isEmpty()) {
                throw new IllegalArgumentException(configKey(name) + ": unknown system '" + name + "'; known systems: "
                        + catalog.systems().stream().map(KnownSystem::name).toList());
            }
        });
        for (KnownSystem system : catalog.systems()) {
            String address = addresses.getOrDefault(system.name(), "").trim();
            routes.put(system.name(), address.isEmpty() ? SystemRoute.notDeployed(system) : open(system, address, security, transport, interceptors));
        }
    }

    public SystemCatalog catalog() {
        return catalog;
    }

    public Optional<SystemRoute> route(String system) {
        return Optional.ofNullable(routes.get(system));
    }

    public List<SystemRoute> routes() {
        return List.copyOf(routes.values());
    }

    static String configKey(String system) {
        return "keelson.systems." + system + ".address";
    }

    private static SystemRoute open(KnownSystem system, String address, ChannelSecurity security,
                                    NettyTransport transport, ClientInterceptor[] interceptors) {
        if (address.startsWith(IN_PROCESS_PREFIX)) {
            String name = address.substring(IN_PROCESS_PREFIX.length());
            if (name.isBlank()) {
                throw new IllegalArgumentException(configKey(system.name()) + ": '" + address + "' names no in-process server");
            }
            ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().intercept(interceptors).build();
            return SystemRoute.single(system, DeploymentMode.DEPLOYMENT_MODE_EMBEDDED, address, channel);
        }
        if (address.startsWith(NODES_PREFIX)) {
            List<NodeDirectory.Target> targets = NodeDirectory.parse(address.substring(NODES_PREFIX.length()), configKey(system.name()));
            // each instance at its own address, its certificate checked against the host name it was found under
            return SystemRoute.perNode(system, address, new NodeDirectory(system.name(), targets, (socket, host) ->
                    netty(NettyChannelBuilder.forAddress(socket, security.credentials()).overrideAuthority(host), transport, interceptors),
                    Clock.systemUTC()).start());
        }
        if (address.contains(" ") || !(address.contains(":") || address.contains("///"))) {
            throw new IllegalArgumentException(configKey(system.name()) + ": '" + address
                    + "' is not 'in-process:<name>', a gRPC target such as 'host:port', nor 'nodes:host:port[,host:port...]'");
        }
        ManagedChannel channel = netty(NettyChannelBuilder.forTarget(address, security.credentials()), transport, interceptors);
        return SystemRoute.single(system, DeploymentMode.DEPLOYMENT_MODE_REMOTE, address, channel);
    }

    private static ManagedChannel netty(NettyChannelBuilder builder, NettyTransport transport, ClientInterceptor[] interceptors) {
        return builder.eventLoopGroup(transport.loops())
                .channelType(transport.clientChannelType())
                .directExecutor()
                .intercept(interceptors)
                .build();
    }

    @Override
    public void close() {
        for (SystemRoute route : routes.values()) {
            route.channel().ifPresent(ManagedChannel::shutdownNow);
            route.nodes().ifPresent(NodeDirectory::close);
        }
        for (SystemRoute route : routes.values()) {
            route.channel().ifPresent(channel -> {
                try {
                    channel.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }
}
