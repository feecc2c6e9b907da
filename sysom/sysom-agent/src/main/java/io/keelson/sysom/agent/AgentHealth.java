package io.keelson.sysom.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The node agent's health for its kubelet, on the paths every Keelson pod answers: {@code /q/health/live} is up while
 * the agent's loop has come round within {@code stall} (a loop stuck on a call that never returns is restarted);
 * {@code /q/health/ready} once it has looked for ranks at least once. The agent serves nothing else.
 */
public final class AgentHealth implements AutoCloseable {

    private final HttpServer server;
    private final LongSupplier nanoClock;
    private final long stallNanos;
    private volatile long lastBeat;
    private volatile boolean scanned;

    private AgentHealth(HttpServer server, LongSupplier nanoClock, Duration stall) {
        this.server = server;
        this.nanoClock = nanoClock;
        this.stallNanos = stall.toNanos();
        this.lastBeat = nanoClock.getAsLong();
        server.createContext("/q/health/live", exchange -> answer(exchange, live(), "loop"));
        server.createContext("/q/health/ready", exchange -> answer(exchange, scanned && live(), "ranks looked for"));
    }

    /** Serves on {@code port} (0: any free one) on every interface, as a pod's probes need. */
    public static AgentHealth serve(int port, Duration stall) throws IOException {
        return serve(port, stall, System::nanoTime);
    }

    static AgentHealth serve(int port, Duration stall, LongSupplier nanoClock) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        AgentHealth health = new AgentHealth(server, nanoClock, stall);
        server.start();
        return health;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The loop came round. */
    public void beat() {
        lastBeat = nanoClock.getAsLong();
    }

    /** The first look for ranks is done. */
    public void scanned() {
        scanned = true;
    }

    private boolean live() {
        return nanoClock.getAsLong() - lastBeat <= stallNanos;
    }

    private static void answer(HttpExchange exchange, boolean up, String check) throws IOException {
        byte[] body = JsonLine.of("status", up ? "UP" : "DOWN", "checks", List.of(Map.of("name", check, "status", up ? "UP" : "DOWN")))
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(up ? 200 : 503, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
