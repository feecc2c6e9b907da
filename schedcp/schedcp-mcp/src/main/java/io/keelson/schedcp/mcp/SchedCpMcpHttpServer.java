package io.keelson.schedcp.mcp;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.keelson.schedcp.core.SchedCp;
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
 * SchedCP's MCP server over streamable HTTP at {@code /mcp}, for agents that are not the server's own child process:
 * every request carries a platform API token ({@code Authorization: Bearer ...}), checked with the control plane's
 * {@code WhoAmI}; without a valid one the request is refused (401) before any MCP message is read, and each tool needs
 * the role its gateway method would (listing and status: viewer; running, stopping, creating: operator) and schedcp in
 * the token's scopes; HTTPS with a PEM certificate and key. Start:
 * {@code SchedCpMcpHttpServer STATE_DIR SCHEDULERS_DIR BIND_HOST:PORT GATEWAY_HOST:PORT [cert.pem key.pem]}.
 */
public final class SchedCpMcpHttpServer implements AutoCloseable {

    private final Server jetty;
    private final McpSyncServer server;

    /** The PEM certificate chain and key to serve HTTPS with; empty: plain HTTP (bind to localhost then). */
    record Tls(Path certificateChain, Path privateKey) {
    }

    private SchedCpMcpHttpServer(SchedCp schedcp, InetSocketAddress bind, PlatformTokens tokens, Optional<Tls> tls) throws Exception {
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(tools.jackson.databind.json.JsonMapper.builder().build());
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder().jsonMapper(mapper)
                .mcpEndpoint("/mcp")
                .securityValidator(headers -> {
                    PlatformTokens.Answer answer = tokens.identify(header(headers, "authorization"));
                    if (answer.identity() == null) {
                        throw new ServerTransportSecurityException(401, answer.refusal());
                    }
                })
                .contextExtractor(request -> McpTransportContext.create(Map.of(Guard.AUTHORIZATION,
                        request.getHeader("Authorization") == null ? "" : request.getHeader("Authorization"))))
                .build();
        this.server = McpServer.sync(transport).serverInfo("keelson-schedcp", "0.1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(new SchedCpTools(schedcp, Guard.tokens(tokens)).specifications(mapper)).build();
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

    static SchedCpMcpHttpServer start(SchedCp schedcp, InetSocketAddress bind, PlatformTokens tokens, Optional<Tls> tls) throws Exception {
        return new SchedCpMcpHttpServer(schedcp, bind, tokens, tls);
    }

    /** The port it listens on (useful when started on port 0). */
    int port() {
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
        if (args.length != 4 && args.length != 6) {
            System.err.println("usage: SchedCpMcpHttpServer STATE_DIR SCHEDULERS_DIR BIND_HOST:PORT GATEWAY_HOST:PORT [cert.pem key.pem]");
            System.exit(2);
        }
        Optional<Tls> tls = args.length == 6 ? Optional.of(new Tls(Path.of(args[4]), Path.of(args[5]))) : Optional.empty();
        String[] bind = args[2].split(":");
        SchedCp schedcp = SchedCp.open(Path.of(args[0]), Path.of(args[1]));
        ManagedChannel gateway = Grpc.newChannelBuilder(args[3], InsecureChannelCredentials.create()).build();
        SchedCpMcpHttpServer http = start(schedcp, new InetSocketAddress(bind[0], Integer.parseInt(bind[1])), new PlatformTokens(gateway, Clock.systemUTC()),
                tls);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                http.close();
            } catch (Exception e) {
                System.err.println("schedcp MCP endpoint: " + e.getMessage());
            }
            schedcp.close();
            gateway.shutdownNow();
        }));
        System.err.println("schedcp MCP endpoint on " + (tls.isPresent() ? "https" : "http") + "://" + args[2] + "/mcp (tokens checked with " + args[3] + ")");
        Thread.currentThread().join();
    }
}
