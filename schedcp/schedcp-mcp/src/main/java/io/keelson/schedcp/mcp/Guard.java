package io.keelson.schedcp.mcp;

import io.modelcontextprotocol.common.McpTransportContext;

/** Decides whether a tool call may do what it needs; refuses with a {@link SecurityException} saying why. */
@FunctionalInterface
interface Guard {

    /** The transport context key under which the HTTP endpoint puts the request's Authorization header. */
    String AUTHORIZATION = "keelson.authorization";

    void require(McpTransportContext context, Access access);

    /** Over stdio the server is the agent's own child process: the caller is whoever started it. */
    Guard LOCAL = (context, access) -> {
    };

    /** Over HTTP: the caller's platform token must reach the access's role and include schedcp in its scopes. */
    static Guard tokens(PlatformTokens tokens) {
        return (context, access) -> {
            Object header = context == null ? null : context.get(AUTHORIZATION);
            PlatformTokens.Answer answer = tokens.identify(header == null ? null : header.toString());
            if (answer.identity() == null) {
                throw new SecurityException(answer.refusal());
            }
            if (!answer.identity().mayUse(PlatformTokens.SYSTEM)) {
                throw new SecurityException("token " + answer.identity().name() + " may not act on " + PlatformTokens.SYSTEM);
            }
            if (!answer.identity().atLeast(access.least)) {
                throw new SecurityException("token " + answer.identity().name() + " is a " + answer.identity().role() + "; this needs " + access.least);
            }
        };
    }
}
