package io.keelson.acrfence.core.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.keelson.acrfence.core.json.CanonicalJson;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A tool behind HTTP, the way payment and cloud APIs take writes: {@code POST url} with the JSON arguments and the
 * fence's key in an {@code Idempotency-Key} header (the IETF draft's name). 2xx: done (a JSON body is the result,
 * other text is kept as {@code {"text": ...}}); 4xx: refused, nothing happened; 5xx, a timeout or a broken
 * connection: unknown. Where a lookup URL is given, {@code GET lookup} with the same header answers 200 (done,
 * with the result) or 404 (never seen).
 */
public final class HttpToolEndpoint implements ToolEndpoint {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI url;
    private final Optional<URI> lookupUrl;

    public HttpToolEndpoint(HttpClient http, URI url, Optional<URI> lookupUrl) {
        this.http = http;
        this.url = url;
        this.lookupUrl = lookupUrl;
    }

    @Override
    public Outcome invoke(JsonNode args, String idempotencyKey) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.ofString(CanonicalJson.text(args))).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Outcome.Unknown("no answer from " + url.getHost() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Unknown("interrupted while waiting for " + url.getHost());
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Outcome.Succeeded(body(response.body()));
        }
        if (status >= 400 && status < 500) {
            return new Outcome.Rejected("HTTP " + status + ": " + response.body());
        }
        return new Outcome.Unknown("HTTP " + status + " from " + url.getHost());
    }

    @Override
    public boolean reconcilable() {
        return lookupUrl.isPresent();
    }

    @Override
    public Optional<Lookup> lookup(String idempotencyKey) {
        if (lookupUrl.isEmpty()) {
            return Optional.empty();
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(lookupUrl.get()).timeout(TIMEOUT).header("Idempotency-Key", idempotencyKey)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return Optional.of(new Lookup.Found(body(response.body())));
            }
            return response.statusCode() == 404 ? Optional.of(new Lookup.NotFound()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // cannot tell now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static JsonNode body(String text) {
        try {
            JsonNode json = CanonicalJson.parse(text);
            if (json.isContainerNode()) {
                return json;
            }
        } catch (IllegalArgumentException e) {
            // not JSON: kept as text
        }
        return CanonicalJson.mapper().createObjectNode().put("text", text);
    }
}
