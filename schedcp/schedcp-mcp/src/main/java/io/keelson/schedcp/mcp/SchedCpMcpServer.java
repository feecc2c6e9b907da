package io.keelson.schedcp.mcp;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.keelson.schedcp.core.SchedCp;
import io.keelson.schedcp.service.SchedCpGrpcService;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * SchedCP's MCP server over stdio, drop-in for the public one's 7 tools. It is the agent's own child process, so the
 * agent is the caller: the tools call an in-process {@code keelson.schedcp.v1} service of their own. State (workload
 * profiles and history, created schedulers and their sources) lives under {@code STATE_DIR}; scheduler binaries are
 * taken only from {@code SCHEDULERS_DIR} (scx packages install them in /usr/bin). Start:
 * {@code java -cp <classpath> io.keelson.schedcp.mcp.SchedCpMcpServer STATE_DIR [SCHEDULERS_DIR]}.
 */
public final class SchedCpMcpServer implements AutoCloseable {

    private final SchedCp schedcp;
    private final Server service;
    private final ManagedChannel channel;
    private final McpSyncServer server;

    private SchedCpMcpServer(Path state, Path schedulersDir, InputStream in, OutputStream out) {
        this.schedcp = SchedCp.open(state, schedulersDir);
        String name = InProcessServerBuilder.generateName();
        try {
            this.service = InProcessServerBuilder.forName(name).addService(new SchedCpGrpcService(schedcp)).build().start();
        } catch (IOException e) {
            schedcp.close();
            throw new UncheckedIOException("cannot start the in-process schedcp service", e);
        }
        this.channel = InProcessChannelBuilder.forName(name).build();
        SchedCpServiceGrpc.SchedCpServiceBlockingStub local = SchedCpServiceGrpc.newBlockingStub(channel);
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(tools.jackson.databind.json.JsonMapper.builder().build());
        this.server = McpServer.sync(new StdioServerTransportProvider(mapper, in, out)).serverInfo("keelson-schedcp", "0.1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(new SchedCpTools(caller -> local, caller -> "agent").specifications(mapper)).build();
    }

    public static SchedCpMcpServer start(Path state, Path schedulersDir, InputStream in, OutputStream out) {
        return new SchedCpMcpServer(state, schedulersDir, in, out);
    }

    @Override
    public void close() {
        server.closeGracefully();
        channel.shutdownNow();
        service.shutdownNow();
        schedcp.close();
    }

    /** {@code SchedCpMcpServer STATE_DIR [SCHEDULERS_DIR]}: serves MCP on stdin/stdout until the client goes away. */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: SchedCpMcpServer STATE_DIR [SCHEDULERS_DIR (default /usr/bin)]");
            System.exit(2);
        }
        // stdout is the MCP channel: one stray println from any library would end the client's session
        PrintStream channel = System.out;
        System.setOut(System.err);
        SchedCpMcpServer server = start(Path.of(args[0]), Path.of(args.length > 1 ? args[1] : "/usr/bin"), System.in, channel);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
