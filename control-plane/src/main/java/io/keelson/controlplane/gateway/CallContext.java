package io.keelson.controlplane.gateway;

import io.grpc.Context;
import io.grpc.Metadata;
import io.keelson.controlplane.auth.Principal;

import java.util.Optional;

/** What the gateway knows about the call in progress, shared by its interceptors and handlers. */
public final class CallContext {

    /** The authenticated caller; set by {@link AuthInterceptor} before any handler runs. */
    public static final Context.Key<Principal> PRINCIPAL = Context.key("keelson-principal");
    /** Per-call facts the outermost interceptor collects for the audit log. */
    static final Context.Key<CallFacts> FACTS = Context.key("keelson-call-facts");

    /** Header carrying the caller's identity to routed systems; the bearer token itself is never forwarded. */
    public static final Metadata.Key<String> PRINCIPAL_HEADER =
            Metadata.Key.of("keelson-principal", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> ROLE_HEADER =
            Metadata.Key.of("keelson-role", Metadata.ASCII_STRING_MARSHALLER);
    /** Header naming the node a call to a system with an instance per node (agentcgroup, schedcp) is for. */
    public static final Metadata.Key<String> NODE_HEADER =
            Metadata.Key.of("keelson-node", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private CallContext() {
    }

    public static Optional<Principal> principal() {
        return Optional.ofNullable(PRINCIPAL.get());
    }

    /** Mutable facts about one call, filled in as it passes the interceptors. Confined to that call. */
    static final class CallFacts {
        volatile String principal = Principal.ANONYMOUS;
        volatile String system = "unknown";
        volatile String denial = "";
    }
}
