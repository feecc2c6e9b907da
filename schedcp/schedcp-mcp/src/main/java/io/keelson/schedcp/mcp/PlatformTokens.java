package io.keelson.schedcp.mcp;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.keelson.common.v1.Role;
import io.keelson.controlplane.v1.ApiToken;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.controlplane.v1.WhoAmIRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The platform's API tokens, as the control plane knows them: a bearer token is whoever the gateway's {@code WhoAmI}
 * says it is. Answers are kept for {@link #TTL} so an MCP session does not ask for every request: a revoked token
 * is refused at the door within that time (and by the gateway at once, since every tool call goes through it). A
 * gateway that cannot be reached refuses (nothing is assumed).
 */
final class PlatformTokens {

    static final Duration TTL = Duration.ofSeconds(30);

    /** Who a token is: its name, role and the systems it may act on ("*" for all). */
    record Identity(String name, Role role, List<String> scopes) {
    }

    /** A token's identity, or why it was refused. */
    record Answer(Identity identity, String refusal, Instant until) {
    }

    private final Channel gateway;
    private final Clock clock;
    private final Map<String, Answer> cache = new ConcurrentHashMap<>();

    PlatformTokens(Channel gateway, Clock clock) {
        this.gateway = gateway;
        this.clock = clock;
    }

    /** The identity of {@code Authorization: Bearer ...}, or the reason it is refused. */
    Answer identify(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() <= "Bearer ".length()) {
            return new Answer(null, "an API token is required (Authorization: Bearer <token>)", Instant.MAX);
        }
        String bearer = authorization.substring("Bearer ".length()).strip();
        Answer cached = cache.get(bearer);
        if (cached != null && clock.instant().isBefore(cached.until())) {
            return cached;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearer);
        Instant until = clock.instant().plus(TTL);
        try {
            ApiToken t = ControlPlaneServiceGrpc.newBlockingStub(gateway).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(10, TimeUnit.SECONDS).whoAmI(WhoAmIRequest.getDefaultInstance()).getToken();
            Answer a = new Answer(new Identity(t.getName(), t.getRole(), List.copyOf(t.getScopesList())), null, until);
            cache.put(bearer, a);
            return a;
        } catch (StatusRuntimeException e) {
            return switch (e.getStatus().getCode()) {
                case UNAUTHENTICATED, PERMISSION_DENIED -> {
                    Answer a = new Answer(null, "the token was refused: " + e.getStatus().getDescription(), until);
                    cache.put(bearer, a);
                    yield a;
                }
                default -> new Answer(null, "the control plane could not check the token (" + e.getStatus().getCode() + ")", Instant.MIN);
            };
        }
    }
}
