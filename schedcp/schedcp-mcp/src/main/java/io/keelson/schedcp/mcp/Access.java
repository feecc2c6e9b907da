package io.keelson.schedcp.mcp;

import io.keelson.common.v1.Role;

/** What a tool call needs, as the gateway's methods do: reading (a viewer) or changing something (an operator). */
enum Access {
    READ(Role.ROLE_VIEWER), WRITE(Role.ROLE_OPERATOR);

    final Role least;

    Access(Role least) {
        this.least = least;
    }
}
