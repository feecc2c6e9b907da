package io.keelson.common.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A standalone process's health for its kubelet, over plain HTTP on the paths every Keelson pod answers
 * ({@code /q/health/live}, {@code /q/health/ready}) in Quarkus' JSON shape: 200 when every check is up, else 503
 * naming each. Plain HTTP on a port of its own, so a probe needs no client certificate where the process's gRPC port
 * requires one (mTLS).
 */
public final class HealthEndpoint implements AutoCloseable {

    /** One named check, asked at every probe. */
    public record Check(String name, BooleanSupplier up) {
    }

    private final HttpServer server;

    private HealthEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Serves on {@code port} (0: any free one) on every interface, as a pod's probes need. */
    public static HealthEndpoint serve(int port, List<Check> live, List<Check> ready) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/q/health/live", exchange -> answer(exchange, live));
        server.createContext("/q/health/ready", exchange -> answer(exchange, ready));
        server.start();
        return new HealthEndpoint(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, List<Check> checks) throws IOException {
        List<Boolean> states = checks.stream().map(c -> c.up().getAsBoolean()).toList();
        boolean up = !states.contains(false);
        StringBuilder json = new StringBuilder("{\"status\":\"").append(up ? "UP" : "DOWN").append("\",\"checks\":[");
        for (int i = 0; i < checks.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(checks.get(i).name().replace("\"", "'"))
                    .append("\",\"status\":\"").append(states.get(i) ? "UP" : "DOWN").append("\"}");
        }
        byte[] body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
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
