package io.keelson.controlplane.auth;

import io.keelson.common.v1.ErrorReason;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Issues, checks and revokes API tokens.
 *
 * <p>Checks run against an in-memory copy of the store, so authorising a call does no I/O and may
 * run on a transport thread. Every change made through this registry is written to the store first
 * and then to the copy, so in one process a revocation takes effect on the very next call. Other
 * processes sharing the store (control-plane replicas in cluster mode) see a change when told of it
 * ({@link #refresh(String)}, driven by PostgreSQL notifications) and at every {@link #reload()}.
 */
public final class TokenRegistry {

    /** The result of {@link #create}: the stored token and the bearer string, shown once. */
    public record IssuedToken(ApiToken token, String bearer) {
        @Override
        public String toString() {
            return "IssuedToken[" + token.id() + ", bearer hidden]";
        }
    }

    private final TokenStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, ApiToken> byId = new ConcurrentHashMap<>();

    public TokenRegistry(TokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        reload();
    }

    /** Replaces the in-memory copy with the store's content. */
    public void reload() {
        Map<String, ApiToken> fresh = store.list("", Integer.MAX_VALUE, true).stream()
                .collect(Collectors.toMap(ApiToken::id, Function.identity()));
        byId.keySet().retainAll(fresh.keySet());
        byId.putAll(fresh);
    }

    /** Re-reads one token from the store, after another process changed it. */
    public void refresh(String id) {
        store.find(id).ifPresentOrElse(token -> byId.put(id, token), () -> byId.remove(id));
    }

    public boolean isEmpty() {
        return store.count() == 0;
    }

    public IssuedToken create(String name, Role role, Set<String> scopes, Optional<Duration> ttl, String createdBy) {
        BearerSecret secret = BearerSecret.generate(random);
        Instant now = clock.instant();
        ApiToken token = new ApiToken(secret.tokenId(), name, role, scopes, secret.hash(), now, createdBy,
                ttl.map(now::plus), Optional.empty());
        store.insert(token);
        byId.put(token.id(), token);
        return new IssuedToken(token, secret.bearer());
    }

    public Optional<ApiToken> revoke(String id) {
        Optional<ApiToken> revoked = store.revoke(id, clock.instant());
        revoked.ifPresent(token -> byId.put(token.id(), token));
        return revoked;
    }

    public Optional<ApiToken> find(String id) {
        return Optional.ofNullable(byId.get(id)).or(() -> store.find(id));
    }

    public List<ApiToken> list(String afterId, int limit, boolean includeRevoked) {
        return store.list(afterId, limit, includeRevoked);
    }

    /** Authenticates the bearer string (if any) and checks it against the method's policy. */
    public Verdict authorize(Optional<String> bearer, MethodPolicy policy) {
        if (bearer.isEmpty()) {
            return new Verdict.Unauthenticated(ErrorReason.ERROR_REASON_TOKEN_MISSING,
                    "missing API token: send 'authorization: Bearer <token>'");
        }
        Optional<BearerSecret> secret = BearerSecret.parse(bearer.get());
        Optional<ApiToken> stored = secret.map(s -> byId.get(s.tokenId()));
        if (stored.isEmpty() || !secret.get().matches(stored.get().secretHash())) {
            return new Verdict.Unauthenticated(ErrorReason.ERROR_REASON_TOKEN_INVALID, "invalid API token");
        }
        ApiToken token = stored.get();
        if (token.isRevoked()) {
            return new Verdict.Unauthenticated(ErrorReason.ERROR_REASON_TOKEN_REVOKED,
                    "API token " + token.id() + " was revoked");
        }
        if (token.isExpiredAt(clock.instant())) {
            return new Verdict.Unauthenticated(ErrorReason.ERROR_REASON_TOKEN_EXPIRED,
                    "API token " + token.id() + " expired");
        }
        Principal principal = Principal.of(token);
        Role needed = policy.access().minimumRole();
        if (!token.role().covers(needed)) {
            return new Verdict.Denied(principal, ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT,
                    "role " + token.role().wireName() + " may not call a " + policy.access().name().toLowerCase()
                            + " method of " + policy.system() + "; it needs role " + needed.wireName());
        }
        if (policy.scopeRequired() && !token.coversSystem(policy.system())) {
            return new Verdict.Denied(principal, ErrorReason.ERROR_REASON_SCOPE_MISSING,
                    "token scopes " + token.scopes() + " do not include system " + policy.system());
        }
        return new Verdict.Allowed(principal);
    }

}
