package io.keelson.controlplane.auth;

import java.util.Locale;
import java.util.Optional;

/** Roles in increasing power: each one may do everything the ones before it may. */
public enum Role {
    VIEWER,
    OPERATOR,
    ADMIN;

    /** True when this role is at least {@code required}. */
    public boolean covers(Role required) {
        return compareTo(required) >= 0;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromProto(io.keelson.common.v1.Role role) {
        return switch (role) {
            case ROLE_VIEWER -> Optional.of(VIEWER);
            case ROLE_OPERATOR -> Optional.of(OPERATOR);
            case ROLE_ADMIN -> Optional.of(ADMIN);
            default -> Optional.empty();
        };
    }

    public io.keelson.common.v1.Role toProto() {
        return switch (this) {
            case VIEWER -> io.keelson.common.v1.Role.ROLE_VIEWER;
            case OPERATOR -> io.keelson.common.v1.Role.ROLE_OPERATOR;
            case ADMIN -> io.keelson.common.v1.Role.ROLE_ADMIN;
        };
    }
}
