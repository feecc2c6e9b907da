package io.keelson.controlplane.gateway;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.controlplane.auth.MethodPolicy;
import io.keelson.controlplane.auth.TokenRegistry;
import io.keelson.controlplane.auth.Verdict;
import io.keelson.common.grpc.GrpcErrors;

import java.util.Optional;

/**
 * Authenticates every call by its bearer token and authorises it against the method's policy.
 * A refused call is closed here; no handler (and no routed system) ever sees it.
 */
public final class AuthInterceptor implements ServerInterceptor {

    private static final String BEARER = "Bearer ";

    private final TokenRegistry tokens;
    private final MethodPolicies policies;

    public AuthInterceptor(TokenRegistry tokens, MethodPolicies policies) {
        this.tokens = tokens;
        this.policies = policies;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        MethodPolicy policy = policies.policyOf(call.getMethodDescriptor().getFullMethodName());
        CallContext.CallFacts facts = CallContext.FACTS.get();
        if (facts != null) {
            facts.system = policy.system();
        }
        Verdict verdict = tokens.authorize(bearer(headers), policy);
        if (verdict instanceof Verdict.Allowed allowed) {
            if (facts != null) {
                facts.principal = allowed.principal().tokenId();
            }
            Context context = Context.current().withValue(CallContext.PRINCIPAL, allowed.principal());
            return Contexts.interceptCall(context, call, headers, next);
        }
        if (verdict instanceof Verdict.Denied denied) {
            if (facts != null) {
                facts.principal = denied.principal().tokenId();
            }
            return refuse(call, facts, GrpcErrors.of(Status.Code.PERMISSION_DENIED, denied.reason(), denied.message()));
        }
        Verdict.Unauthenticated refused = (Verdict.Unauthenticated) verdict;
        return refuse(call, facts, GrpcErrors.of(Status.Code.UNAUTHENTICATED, refused.reason(), refused.message()));
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, CallContext.CallFacts facts, StatusRuntimeException e) {
        if (facts != null) {
            facts.denial = e.getStatus().getDescription();
        }
        call.close(e.getStatus(), e.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }

    private static Optional<String> bearer(Metadata headers) {
        String value = headers.get(CallContext.AUTHORIZATION);
        if (value == null || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(value.substring(BEARER.length()).trim());
    }
}
