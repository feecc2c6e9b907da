package io.keelson.controlplane.auth;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A stored API token. The secret itself is never kept: only {@code secretHash}, the hex SHA-256
 * of the secret part of the bearer string.
 */
public record ApiToken(
        String id,
        String name,
        Role role,
        Set<String> scopes,
        String secretHash,
        Instant createdAt,
        String createdBy,
        Optional<Instant> expiresAt,
        Optional<Instant> revokedAt) {

    public static final String ALL_SYSTEMS = "*";

    public ApiToken {
        scopes = Set.copyOf(scopes);
    }

    public boolean isRevoked() {
        return revokedAt.isPresent();
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt.map(now::isAfter).orElse(false);
    }

    public boolean coversSystem(String system) {
        return scopes.contains(ALL_SYSTEMS) || scopes.contains(system);
    }
}
