package io.keelson.controlplane.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.keelson.common.grpc.NodeName;
import io.keelson.controlplane.auth.Access;
import io.keelson.controlplane.ops.Platform;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The web console's window on the public API: sign-in, then any RPC as JSON (proto3 JSON mapping), server
 * streams and repeated reads as server-sent events. It holds no state and reaches the systems only through the
 * gateway, with the signed-in token, so roles and the audit log apply to every button the console has.
 *
 * <p>The token lives in an HttpOnly, SameSite=Strict cookie scoped to {@code /console}; every request must also
 * carry {@value #MARKER} (a header a cross-site form cannot set), and an event stream (which a page cannot
 * cancel as cleanly as a fetch) may only read.
 */
@Path("/console/api")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleApi {

    static final String COOKIE = "keelson_console";
    static final String MARKER = "X-Keelson-Console";
    /** The node a call to agentcgroup or schedcp is for, where they run an instance per node (passed on as keelson-node). */
    static final String NODE = "X-Keelson-Node";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    private static final Duration CALL_DEADLINE = Duration.ofMinutes(10);

    @Inject
    Platform platform;
    @Inject
    ObjectMapper json;

    private volatile RpcCatalog rpcs;
    private volatile GatewayCalls calls;

    public record SignIn(String token) {
    }

    @POST
    @Path("session")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> signIn(SignIn body, @HeaderParam(MARKER) String marker, @Context UriInfo uri) {
        requireMarker(marker);
        String token = body == null || body.token() == null ? "" : body.token().strip();
        if (!TOKEN.matcher(token).matches()) {
            return Uni.createFrom().item(error(ConsoleError.badRequest("token",
                    "paste an API token (kt_<id>_<secret>, as `keelson token create` or the admin-token file gives it)")));
        }
        return whoAmI(token).map(who -> Response.ok(who)
                .cookie(new NewCookie.Builder(COOKIE).value(token).path("/console").httpOnly(true)
                        .sameSite(NewCookie.SameSite.STRICT).secure("https".equals(uri.getRequestUri().getScheme())).build())
                .build())
                .onFailure().recoverWithItem(f -> error(signInError(f)));
    }

    /** Who is signed in: 204 when nobody is (a first visit is not an error), 401 when the cookie's token no longer holds. */
    @GET
    @Path("session")
    public Uni<Response> session(@CookieParam(COOKIE) String token, @HeaderParam(MARKER) String marker) {
        requireMarker(marker);
        if (token == null || token.isEmpty()) {
            return Uni.createFrom().item(Response.noContent().build());
        }
        return whoAmI(signedIn(token)).map(who -> Response.ok(who).build()).onFailure().recoverWithItem(f -> error(signInError(f)));
    }

    @DELETE
    @Path("session")
    public Response signOut(@HeaderParam(MARKER) String marker) {
        requireMarker(marker);
        return Response.noContent().cookie(new NewCookie.Builder(COOKIE).value("").path("/console").maxAge(0).httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).build()).build();
    }

    /** One unary RPC: the request as JSON in, the response as JSON out (or a {@link ConsoleError}). */
    @POST
    @Path("rpc/{service}/{method}")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Uni<Response> call(@PathParam("service") String service, @PathParam("method") String method, String body,
                              @CookieParam(COOKIE) String token, @HeaderParam(MARKER) String marker, @HeaderParam(NODE) String node) {
        Prepared call = prepare(service, method, body, token, marker, node, this::unaryCall, "streams; the console calls it through /stream");
        return calls().unary(call.token(), call.node(), call.rpc(), call.request())
                .map(reply -> Response.ok(rpcs().json(reply)).build())
                .onFailure().recoverWithItem(f -> error(ConsoleError.from(f)));
    }

    /** A server-streaming RPC as server-sent events: {"message": ...} per message, {"error": ...} if it fails. */
    @POST
    @Path("stream/{service}/{method}")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> stream(@PathParam("service") String service, @PathParam("method") String method, String body,
                                @CookieParam(COOKIE) String token, @HeaderParam(MARKER) String marker, @HeaderParam(NODE) String node) {
        Prepared call = prepare(service, method, body, token, marker, node,
                rpc -> !rpc.schema().isClientStreaming() && rpc.schema().isServerStreaming(), "is not a server stream");
        return events(calls().serverStream(call.token(), call.node(), call.rpc(), call.request()));
    }

    /**
     * A read-only unary RPC called again every {@code every} seconds, as server-sent events: the live numbers of
     * the console's pages. A failed call is sent as an error event and the next one is still made, so a system
     * that goes down and comes back shows both.
     */
    @POST
    @Path("watch/{service}/{method}")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> watch(@PathParam("service") String service, @PathParam("method") String method, String body,
                               @QueryParam("every") @DefaultValue("2") int everySeconds,
                               @CookieParam(COOKIE) String token, @HeaderParam(MARKER) String marker, @HeaderParam(NODE) String node) {
        Prepared call = prepare(service, method, body, token, marker, node, rpc -> rpc.access() == Access.READ && unaryCall(rpc),
                "is not a read-only unary call, so it is not repeated");
        if (everySeconds < 1 || everySeconds > 60) {
            throw failure(ConsoleError.badRequest("every", "1..60 seconds, was " + everySeconds));
        }
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(Duration.ofSeconds(everySeconds))
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> calls().unary(call.token(), call.node(), call.rpc(), call.request())
                        .map(reply -> "{\"message\":" + rpcs().json(reply) + "}")
                        .onFailure().recoverWithItem(f -> errorEvent(ConsoleError.from(f))));
    }

    /** A request that passed the boundary: the marker, a signed-in token, a known RPC of the right kind, a well-formed message. */
    private record Prepared(String token, Optional<String> node, RpcCatalog.Rpc rpc, DynamicMessage request) {
    }

    private Prepared prepare(String service, String method, String body, String token, String marker, String node,
                             Predicate<RpcCatalog.Rpc> servedHere, String otherwise) {
        requireMarker(marker);
        String signedIn = signedIn(token);
        Optional<String> forNode = Optional.ofNullable(node).filter(n -> !n.isEmpty());
        if (forNode.isPresent() && !NodeName.isValid(forNode.get())) {
            throw failure(ConsoleError.badRequest(NODE, NodeName.VALID_DESCRIPTION));
        }
        RpcCatalog.Rpc rpc = rpc(service, method);
        if (!servedHere.test(rpc)) {
            throw failure(ConsoleError.badRequest("method", rpc.fullName() + " " + otherwise));
        }
        return new Prepared(signedIn, forNode, rpc, request(rpc, body));
    }

    private boolean unaryCall(RpcCatalog.Rpc rpc) {
        return !rpc.schema().isClientStreaming() && !rpc.schema().isServerStreaming();
    }

    private Multi<String> events(Multi<DynamicMessage> messages) {
        return messages.map(m -> "{\"message\":" + rpcs().json(m) + "}")
                .onFailure().recoverWithItem(f -> errorEvent(ConsoleError.from(f)));
    }

    private Uni<String> whoAmI(String token) {
        RpcCatalog.Rpc rpc = rpc("keelson.controlplane.v1.ControlPlaneService", "WhoAmI");
        return calls().unary(token, Optional.empty(), rpc, DynamicMessage.getDefaultInstance(rpc.schema().getInputType())).map(rpcs()::json);
    }

    private static ConsoleError signInError(Throwable f) {
        ConsoleError e = ConsoleError.from(f);
        return e.code().equals(Status.Code.UNAUTHENTICATED.name())
                ? ConsoleError.of(401, e.code(), "this token is not valid: unknown, revoked or expired (" + e.message() + ")")
                : e;
    }

    private static String signedIn(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            throw failure(ConsoleError.of(401, Status.Code.UNAUTHENTICATED.name(), "not signed in"));
        }
        return token;
    }

    private static void requireMarker(String marker) {
        if (!"1".equals(marker)) {
            throw failure(ConsoleError.of(403, Status.Code.PERMISSION_DENIED.name(),
                    "console API requests carry the header " + MARKER + ": 1 (the console's pages send it)"));
        }
    }

    private RpcCatalog.Rpc rpc(String service, String method) {
        return rpcs().find(service, method).orElseThrow(() -> failure(ConsoleError.of(404, Status.Code.UNIMPLEMENTED.name(),
                "no RPC " + service + "/" + method + " in the public API")));
    }

    private DynamicMessage request(RpcCatalog.Rpc rpc, String body) {
        try {
            return rpcs().request(rpc, body);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw failure(ConsoleError.badRequest("request", "not a " + rpc.schema().getInputType().getFullName()
                    + " in JSON: " + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName())));
        }
    }

    private RpcCatalog rpcs() {
        if (rpcs == null) {
            rpcs = RpcCatalog.of(platform.catalog());
        }
        return rpcs;
    }

    private GatewayCalls calls() {
        if (calls == null) {
            calls = new GatewayCalls(platform.gatewayChannel(), CALL_DEADLINE);
        }
        return calls;
    }

    private static Response error(ConsoleError e) {
        return Response.status(e.httpStatus()).type(MediaType.APPLICATION_JSON).entity(e).build();
    }

    private static WebApplicationException failure(ConsoleError e) {
        return new WebApplicationException(error(e));
    }

    private String errorEvent(ConsoleError e) {
        try {
            return "{\"error\":" + json.writeValueAsString(e) + "}";
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
