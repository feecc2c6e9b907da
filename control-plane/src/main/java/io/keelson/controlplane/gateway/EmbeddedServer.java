package io.keelson.controlplane.gateway;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts the embedded systems' gRPC services in this JVM, reached by the gateway through an
 * in-process channel named {@link #NAME} ({@code keelson.systems.<sys>.address=in-process:keelson-embedded}).
 */
public final class EmbeddedServer implements AutoCloseable {

    public static final String NAME = "keelson-embedded";

    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();

    public EmbeddedServer(String name, List<BindableService> services) {
        var builder = InProcessServerBuilder.forName(name).directExecutor().addService(health.getHealthService());
        services.forEach(builder::addService);
        this.server = builder.build();
    }

    public EmbeddedServer start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
