package io.keelson.acrfence.service;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A payments API outside the gateway (JDK HTTP server), the way such APIs take writes: {@code POST /charge} honours
 * {@code Idempotency-Key}; {@code GET /lookup} with that header answers 200 with the receipt or 404. It counts every
 * real charge.
 */
final class PaymentsApi implements AutoCloseable {

    private final HttpServer server;
    private final List<String> charges = new CopyOnWriteArrayList<>();
    private final Map<String, String> byKey = new ConcurrentHashMap<>();

    PaymentsApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/charge", ex -> {
            String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String receipt = byKey.computeIfAbsent(key, k -> {
                charges.add(body);
                return "{\"charge\":\"ch_" + charges.size() + "\"}";
            });
            byte[] out = receipt.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.createContext("/lookup", ex -> {
            String receipt = byKey.get(ex.getRequestHeaders().getFirst("Idempotency-Key"));
            byte[] out = (receipt == null ? "" : receipt).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(receipt == null ? 404 : 200, receipt == null ? -1 : out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<String> charges() {
        return charges;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
