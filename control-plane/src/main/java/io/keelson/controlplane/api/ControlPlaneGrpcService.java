package io.keelson.controlplane.api;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.keelson.common.v1.ErrorReason;
import io.keelson.controlplane.audit.AuditQuery;
import io.keelson.controlplane.audit.AuditRecord;
import io.keelson.controlplane.audit.AuditStore;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.BearerSecret;
import io.keelson.controlplane.auth.Principal;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.auth.TokenRegistry;
import io.keelson.common.grpc.ProtoTime;
import io.keelson.common.grpc.GrpcErrors;
import io.keelson.common.grpc.Violations;
import io.keelson.controlplane.gateway.CallContext;
import io.keelson.controlplane.gateway.KnownSystem;
import io.keelson.controlplane.gateway.SystemCatalog;
import io.keelson.controlplane.gateway.SystemProber;
import io.keelson.controlplane.gateway.SystemRoute;
import io.keelson.controlplane.gateway.SystemRouter;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.controlplane.v1.CreateApiTokenRequest;
import io.keelson.controlplane.v1.CreateApiTokenResponse;
import io.keelson.controlplane.v1.Decision;
import io.keelson.controlplane.v1.GetSystemHealthRequest;
import io.keelson.controlplane.v1.GetSystemHealthResponse;
import io.keelson.controlplane.v1.ListApiTokensRequest;
import io.keelson.controlplane.v1.ListApiTokensResponse;
import io.keelson.controlplane.v1.ListAuditEventsRequest;
import io.keelson.controlplane.v1.ListAuditEventsResponse;
import io.keelson.controlplane.v1.ListSystemsRequest;
import io.keelson.controlplane.v1.ListSystemsResponse;
import io.keelson.controlplane.v1.RevokeApiTokenRequest;
import io.keelson.controlplane.v1.RevokeApiTokenResponse;
import io.keelson.controlplane.v1.SystemInfo;
import io.keelson.controlplane.v1.SystemNode;
import io.keelson.controlplane.v1.WhoAmIRequest;
import io.keelson.controlplane.v1.WhoAmIResponse;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** The control plane's own API: systems, identity, tokens and the audit log. */
public final class ControlPlaneGrpcService extends ControlPlaneServiceGrpc.ControlPlaneServiceImplBase {

    static final int DEFAULT_TOKEN_PAGE = 50;
    static final int MAX_TOKEN_PAGE = 500;
    static final int DEFAULT_AUDIT_PAGE = 100;
    static final int MAX_AUDIT_PAGE = 1000;
    private static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._@-]{0,127}");
    private static final java.time.Duration MIN_TTL = java.time.Duration.ofMinutes(1);
    private static final java.time.Duration MAX_TTL = java.time.Duration.ofDays(3650);

    private final SystemRouter router;
    private final SystemProber prober;
    private final TokenRegistry tokens;
    private final AuditStore audit;

    public ControlPlaneGrpcService(SystemRouter router, SystemProber prober, TokenRegistry tokens, AuditStore audit) {
        this.router = router;
        this.prober = prober;
        this.tokens = tokens;
        this.audit = audit;
    }

    /** ListSystems: every known system with its deployment mode and address. */
    @Override
    public void listSystems(ListSystemsRequest request, StreamObserver<ListSystemsResponse> out) {
        respond(out, () -> ListSystemsResponse.newBuilder()
                .addAllSystems(router.routes().stream().map(ControlPlaneGrpcService::info).toList())
                .build());
    }

    /** GetSystemHealth: probes one system now; NOT_FOUND for a name the platform does not know. */
    @Override
    public void getSystemHealth(GetSystemHealthRequest request, StreamObserver<GetSystemHealthResponse> out) {
        respond(out, () -> {
            Violations v = new Violations();
            v.check(!request.getSystem().isBlank(), "system", "required");
            v.throwIfAny();
            SystemRoute route = router.route(request.getSystem()).orElseThrow(() -> GrpcErrors.of(Status.Code.NOT_FOUND,
                    ErrorReason.ERROR_REASON_NOT_FOUND, "no system named '" + request.getSystem() + "'"));
            SystemProber.Probe probe = prober.probe(route);
            return GetSystemHealthResponse.newBuilder()
                    .setSystem(info(route))
                    .setState(probe.state())
                    .setDetail(probe.detail())
                    .setCheckedAt(ProtoTime.of(Instant.now()))
                    .setProbeLatency(Duration.newBuilder()
                            .setSeconds(probe.latency().getSeconds()).setNanos(probe.latency().getNano()))
                    .build();
        });
    }

    /** WhoAmI: the calling token, without its secret. */
    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> out) {
        respond(out, () -> {
            ApiToken token = tokens.find(caller().tokenId()).orElseThrow(() -> GrpcErrors.of(Status.Code.UNAUTHENTICATED,
                    ErrorReason.ERROR_REASON_TOKEN_INVALID, "the calling token no longer exists"));
            return WhoAmIResponse.newBuilder().setToken(toProto(token)).build();
        });
    }

    /** CreateApiToken: the response carries the bearer secret, the only time it is ever shown. */
    @Override
    public void createApiToken(CreateApiTokenRequest request, StreamObserver<CreateApiTokenResponse> out) {
        respond(out, () -> {
            Violations v = new Violations();
            v.check(TOKEN_NAME.matcher(request.getName()).matches(), "name",
                    "1-128 characters: letters, digits, space, '.', '_', '@', '-', starting with a letter or digit");
            Optional<Role> role = Role.fromProto(request.getRole());
            v.check(role.isPresent(), "role", "one of ROLE_VIEWER, ROLE_OPERATOR, ROLE_ADMIN");
            v.check(request.getScopesCount() > 0, "scopes", "at least one system name, or \"*\" for all");
            Set<String> scopes = new LinkedHashSet<>();
            for (int i = 0; i < request.getScopesCount(); i++) {
                String scope = request.getScopes(i);
                v.check(isScope(scope), "scopes[" + i + "]", "'" + scope + "' is not \"*\", \""
                        + SystemCatalog.CONTROL_PLANE + "\" nor a known system");
                scopes.add(scope);
            }
            Optional<java.time.Duration> ttl = Optional.empty();
            if (request.hasTtl()) {
                java.time.Duration d = java.time.Duration.ofSeconds(request.getTtl().getSeconds(), request.getTtl().getNanos());
                v.check(d.compareTo(MIN_TTL) >= 0 && d.compareTo(MAX_TTL) <= 0, "ttl", "between 1 minute and 3650 days");
                ttl = Optional.of(d);
            }
            v.throwIfAny();
            TokenRegistry.IssuedToken issued = tokens.create(request.getName(), role.get(), scopes, ttl, caller().tokenId());
            return CreateApiTokenResponse.newBuilder().setToken(toProto(issued.token())).setSecret(issued.bearer()).build();
        });
    }

    /** ListApiTokens: ordered by id; revoked ones only when asked for. */
    @Override
    public void listApiTokens(ListApiTokensRequest request, StreamObserver<ListApiTokensResponse> out) {
        respond(out, () -> {
            Violations v = new Violations();
            int size = v.pageSize(request.getPageSize(), DEFAULT_TOKEN_PAGE, MAX_TOKEN_PAGE);
            Optional<String> after = request.getPageToken().isEmpty() ? Optional.of("")
                    : PageToken.decode("tokens", request.getPageToken());
            v.check(after.isPresent(), "page_token", "not a token returned by ListApiTokens");
            v.throwIfAny();
            List<ApiToken> page = tokens.list(after.get(), size + 1, request.getIncludeRevoked());
            var response = ListApiTokensResponse.newBuilder();
            page.stream().limit(size).forEach(t -> response.addTokens(toProto(t)));
            if (page.size() > size) {
                response.setNextPageToken(PageToken.encode("tokens", page.get(size - 1).id()));
            }
            return response.build();
        });
    }

    /** RevokeApiToken: idempotent; NOT_FOUND for an unknown id. */
    @Override
    public void revokeApiToken(RevokeApiTokenRequest request, StreamObserver<RevokeApiTokenResponse> out) {
        respond(out, () -> {
            Violations v = new Violations();
            v.check(BearerSecret.isTokenId(request.getId()), "id", "a 16-character token id, as ListApiTokens shows it");
            v.throwIfAny();
            ApiToken revoked = tokens.revoke(request.getId()).orElseThrow(() -> GrpcErrors.of(Status.Code.NOT_FOUND,
                    ErrorReason.ERROR_REASON_NOT_FOUND, "no API token with id " + request.getId()));
            return RevokeApiTokenResponse.newBuilder().setToken(toProto(revoked)).build();
        });
    }

    /** ListAuditEvents: newest first, with optional system, principal and time-range filters. */
    @Override
    public void listAuditEvents(ListAuditEventsRequest request, StreamObserver<ListAuditEventsResponse> out) {
        respond(out, () -> {
            Violations v = new Violations();
            int size = v.pageSize(request.getPageSize(), DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE);
            Optional<Long> before = request.getPageToken().isEmpty() ? Optional.of(Long.MAX_VALUE)
                    : PageToken.decode("audit", request.getPageToken()).flatMap(ControlPlaneGrpcService::parseLong);
            v.check(before.isPresent(), "page_token", "not a token returned by ListAuditEvents");
            Optional<Instant> start = request.hasStartTime() ? Optional.of(instant(request.getStartTime())) : Optional.empty();
            Optional<Instant> end = request.hasEndTime() ? Optional.of(instant(request.getEndTime())) : Optional.empty();
            v.check(start.isEmpty() || end.isEmpty() || start.get().isBefore(end.get()), "end_time", "must be after start_time");
            v.throwIfAny();
            List<AuditRecord> page = audit.query(new AuditQuery(before.get(), size + 1,
                    nonEmpty(request.getSystem()), nonEmpty(request.getPrincipal()), start, end));
            var response = ListAuditEventsResponse.newBuilder();
            page.stream().limit(size).forEach(a -> response.addEvents(toProto(a)));
            if (page.size() > size) {
                response.setNextPageToken(PageToken.encode("audit", Long.toString(page.get(size - 1).sequence())));
            }
            return response.build();
        });
    }

    private boolean isScope(String scope) {
        return ApiToken.ALL_SYSTEMS.equals(scope) || SystemCatalog.CONTROL_PLANE.equals(scope)
                || router.catalog().find(scope).isPresent();
    }

    private static Principal caller() {
        return CallContext.principal().orElseThrow(() -> GrpcErrors.of(Status.Code.UNAUTHENTICATED,
                ErrorReason.ERROR_REASON_TOKEN_MISSING, "no authenticated caller"));
    }

    private static <T> void respond(StreamObserver<T> out, Supplier<T> body) {
        try {
            out.onNext(body.get());
            out.onCompleted();
        } catch (io.grpc.StatusRuntimeException e) {
            out.onError(e);
        } catch (RuntimeException e) {
            out.onError(Status.INTERNAL.withDescription(e.getMessage()).withCause(e).asRuntimeException());
        }
    }

    private static SystemInfo info(SystemRoute route) {
        KnownSystem system = route.system();
        return SystemInfo.newBuilder()
                .setName(system.name())
                .setDescription(system.description())
                .setMode(route.mode())
                .setAddress(route.address())
                .addAllServices(system.services().stream().map(io.grpc.ServiceDescriptor::getName).toList())
                .addAllNodes(route.nodes().map(d -> d.nodes().values().stream().map(n -> SystemNode.newBuilder().setNode(n.node())
                        .setAddress(n.address()).setAnswering(n.answering()).setLastAnsweredAt(ProtoTime.of(n.lastAnswered())).build()).toList())
                        .orElse(List.of()))
                .build();
    }

    static io.keelson.controlplane.v1.ApiToken toProto(ApiToken t) {
        var b = io.keelson.controlplane.v1.ApiToken.newBuilder()
                .setId(t.id())
                .setName(t.name())
                .setRole(t.role().toProto())
                .addAllScopes(t.scopes().stream().sorted().toList())
                .setCreatedAt(ProtoTime.of(t.createdAt()))
                .setCreatedBy(t.createdBy());
        t.expiresAt().ifPresent(at -> b.setExpiresAt(ProtoTime.of(at)));
        t.revokedAt().ifPresent(at -> b.setRevokedAt(ProtoTime.of(at)));
        return b.build();
    }

    static io.keelson.controlplane.v1.AuditEvent toProto(AuditRecord a) {
        return io.keelson.controlplane.v1.AuditEvent.newBuilder()
                .setSequence(a.sequence())
                .setTime(ProtoTime.of(a.time()))
                .setPrincipal(a.principal())
                .setSystem(a.system())
                .setMethod(a.method())
                .setDecision(a.allowed() ? Decision.DECISION_ALLOWED : Decision.DECISION_DENIED)
                .setStatusCode(a.statusCode())
                .setDetail(a.detail())
                .setLatencyMicros(a.latencyMicros())
                .setPeer(a.peer())
                .build();
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static Optional<String> nonEmpty(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static Optional<Long> parseLong(String value) {
        try {
            return Optional.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
