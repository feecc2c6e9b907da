package io.keelson.controlplane.auth;

import java.util.Set;

/** Who is calling: the authenticated token's identity, as the gateway passes it on. */
public record Principal(String tokenId, String name, Role role, Set<String> scopes) {

    public static final String ANONYMOUS = "anonymous";

    public Principal {
        scopes = Set.copyOf(scopes);
    }

    static Principal of(ApiToken token) {
        return new Principal(token.id(), token.name(), token.role(), token.scopes());
    }
}
