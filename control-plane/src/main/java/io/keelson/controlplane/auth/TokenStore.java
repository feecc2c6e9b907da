package io.keelson.controlplane.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Durable storage of API tokens. Implementations must make a returned write survive a crash. */
public interface TokenStore {

    void insert(ApiToken token);

    Optional<ApiToken> find(String id);

    /** Marks the token revoked at {@code at} unless it already is; returns the stored token afterwards. */
    Optional<ApiToken> revoke(String id, Instant at);

    /** Tokens ordered by id, starting after {@code afterId} (exclusive, empty for the first page). */
    List<ApiToken> list(String afterId, int limit, boolean includeRevoked);

    long count();
}
