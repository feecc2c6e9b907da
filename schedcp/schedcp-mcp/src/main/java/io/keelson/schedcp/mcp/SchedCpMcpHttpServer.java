package io.keelson.schedcp.mcp;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import io.modelcontextprotocol.spec.McpSchema;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SchedCP's MCP server over streamable HTTP at {@code /mcp}, for agents that are not the server's own child process.
 * It keeps no state of its own: every tool call is a {@code keelson.schedcp.v1} call through the control plane's
 * gateway, made with the caller's platform API token ({@code Authorization: Bearer ...}), so MCP and gRPC clients see
 * one schedcp, and the gateway authorises each call as it would the gRPC method (listing and status: viewer; running,
 * stopping, creating: operator; schedcp in the token's scopes) and writes it to the audit log under the token - who
 * deployed what. A request without a token the gateway's {@code WhoAmI} accepts is refused (401) before any MCP
 * message is read. HTTPS with a PEM certificate and key; TLS to the gateway when {@code KEELSON_GATEWAY_CA} names the
 * PEM file of the CA that signed its certificate. Start:
 * {@code SchedCpMcpHttpServer BIND_HOST:PORT GATEWAY_HOST:PORT [cert.pem key.pem]}.
 */
public final class SchedCpMcpHttpServer implements AutoCloseable {

    /** The transport context key under which each request's Authorization header travels to the tool call. */
    private static final String AUTHORIZATION = "keelson.authorization";

    private final Server jetty;
    private final McpSyncServer server;

    /** The PEM certificate chain and key to serve HTTPS with; empty: plain HTTP (bind to localhost then). */
    public record Tls(Path certificateChain, Path privateKey) {
    }

    private SchedCpMcpHttpServer(Channel gateway, InetSocketAddress bind, PlatformTokens tokens, Optional<Tls> tls) throws Exception {
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(tools.jackson.databind.json.JsonMapper.builder().build());
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder().jsonMapper(mapper)
                .mcpEndpoint("/mcp")
                .securityValidator(headers -> {
                    PlatformTokens.Answer answer = tokens.identify(header(headers, "authorization"));
                    if (answer.identity() == null) {
                        throw new ServerTransportSecurityException(401, answer.refusal());
                    }
                })
                .contextExtractor(request -> McpTransportContext.create(Map.of(AUTHORIZATION,
                        request.getHeader("Authorization") == null ? "" : request.getHeader("Authorization"))))
                .build();
        this.server = McpServer.sync(transport).serverInfo("keelson-schedcp", "0.1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(new SchedCpTools(caller -> SchedCpServiceGrpc.newBlockingStub(gateway)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(asCaller(caller))), SchedCpMcpHttpServer::authorization)
                        .specifications(mapper)).build();
        this.jetty = new Server();
        ServerConnector connector;
        if (tls.isPresent()) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(PemKeyStore.load(tls.get().certificateChain(), tls.get().privateKey()));
            ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
            connector = new ServerConnector(jetty, ssl);
        } else {
            connector = new ServerConnector(jetty);
        }
        connector.setHost(bind.getHostString());
        connector.setPort(bind.getPort());
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/mcp");
        jetty.setHandler(context);
        jetty.start();
    }

    /** Serves on {@code bind}; tool calls go to {@code gateway}, whose {@code WhoAmI} also checks tokens at the door. */
    public static SchedCpMcpHttpServer start(Channel gateway, InetSocketAddress bind, Optional<Tls> tls) throws Exception {
        return new SchedCpMcpHttpServer(gateway, bind, new PlatformTokens(gateway, Clock.systemUTC()), tls);
    }

    private static String authorization(McpTransportContext caller) {
        Object header = caller == null ? null : caller.get(AUTHORIZATION);
        return header == null ? "" : header.toString();
    }

    /** The gRPC headers that make a call the caller's: its own Authorization header, passed on as it came. */
    private static Metadata asCaller(McpTransportContext caller) {
        Metadata headers = new Metadata();
        String authorization = authorization(caller);
        if (!authorization.isEmpty()) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        }
        return headers;
    }

    /** The port it listens on (useful when started on port 0). */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    private static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()).map(e -> e.getValue().get(0))
                .findFirst().orElse(null);
    }

    @Override
    public void close() throws Exception {
        server.closeGracefully();
        jetty.stop();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 4) {
            System.err.println("usage: SchedCpMcpHttpServer BIND_HOST:PORT GATEWAY_HOST:PORT [cert.pem key.pem]"
                    + " (KEELSON_GATEWAY_CA=ca.pem for TLS to the gateway)");
            System.exit(2);
        }
        Optional<Tls> tls = args.length == 4 ? Optional.of(new Tls(Path.of(args[2]), Path.of(args[3]))) : Optional.empty();
        String[] bind = args[0].split(":");
        String ca = System.getenv("KEELSON_GATEWAY_CA");
        ChannelCredentials credentials = ca == null || ca.isEmpty() ? InsecureChannelCredentials.create()
                : TlsChannelCredentials.newBuilder().trustManager(Path.of(ca).toFile()).build();
        ManagedChannel gateway = Grpc.newChannelBuilder(args[1], credentials).build();
        SchedCpMcpHttpServer http = start(gateway, new InetSocketAddress(bind[0], Integer.parseInt(bind[1])), tls);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                http.close();
            } catch (Exception e) {
                System.err.println("schedcp MCP endpoint: " + e.getMessage());
            }
            gateway.shutdownNow();
        }));
        System.err.println("schedcp MCP endpoint on " + (tls.isPresent() ? "https" : "http") + "://" + args[0] + "/mcp (tool calls through the gateway at "
                + args[1] + ")");
        Thread.currentThread().join();
    }
}
