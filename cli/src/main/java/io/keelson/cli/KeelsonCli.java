package io.keelson.cli;

import io.grpc.StatusRuntimeException;
import io.keelson.common.grpc.NodeName;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code keelson}: every Keelson system through the control plane's gateway, as an operator's command line. It speaks
 * only the public gRPC API, so it works the same against an embedded platform and a cluster. The token comes from
 * {@code --token-file} or {@code KEELSON_TOKEN}; the gateway from {@code --endpoint} or {@code KEELSON_ENDPOINT}.
 * Exit codes scripts can rely on: see {@link ExitCode}.
 */
@Command(name = "keelson", mixinStandardHelpOptions = true, version = "keelson 0.1.0",
        description = "Keelson's systems through the control plane's gateway.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (the gateway or the system said why)", "2:bad usage (the flag or argument is named)",
                "3:not signed in, or the token may not do this", "4:not found", "5:the request was refused: a field is named",
                "6:the system is not deployed or cannot be reached", "7:the current state forbids it (e.g. already running)"},
        subcommands = {StatusCommand.class, TokenCommand.class, AuditCommand.class, GpuosCommand.class, AgentcgroupCommand.class,
                AcrfenceCommand.class, SysomCommand.class, SchedcpCommand.class, WioCommand.class, CompletionCommand.class})
public final class KeelsonCli {

    @Option(names = "--endpoint", description = "the gateway, host:port (default: $KEELSON_ENDPOINT, else localhost:9000)")
    String endpoint;

    @Option(names = "--token-file", description = "a file holding the API token (default: $KEELSON_TOKEN)")
    Path tokenFile;

    @Option(names = "--tls-ca", description = "trust the gateway's certificate signed by this CA (PEM); without it, plaintext")
    Path tlsCa;

    @Option(names = "--node", description = "the node a call to agentcgroup or schedcp is for, where they run on several (default: $KEELSON_NODE)")
    String node;

    @Option(names = {"-o", "--output"}, description = "table (default), json or yaml")
    Output.Format output = Output.Format.TABLE;

    private final PrintWriter out;
    private final PrintWriter err;
    private final java.util.Map<String, String> env;

    KeelsonCli(PrintWriter out, PrintWriter err, java.util.Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8), new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                System.getenv()));
    }

    /** Runs one command line; returns its exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, java.util.Map<String, String> env) {
        CommandLine cli = new CommandLine(new KeelsonCli(out, err, env));
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof StatusRuntimeException s) {
                return ExitCode.report(s, err);
            }
            if (e instanceof UsageError u) {
                err.println("keelson: " + u.getMessage());
                return ExitCode.USAGE.code;
            }
            err.println("keelson: " + e.getMessage());
            return ExitCode.FAILED.code;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** A mistake on the command line found after parsing (a file that cannot be read, a flag that needs another). */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    Gateway connect() {
        String target = Optional.ofNullable(endpoint).orElse(env.getOrDefault("KEELSON_ENDPOINT", "localhost:9000"));
        Optional<String> forNode = Optional.ofNullable(node).or(() -> Optional.ofNullable(env.get("KEELSON_NODE"))).filter(n -> !n.isBlank());
        if (forNode.isPresent() && !NodeName.isValid(forNode.get())) {
            throw new UsageError("--node: " + NodeName.VALID_DESCRIPTION + ", was '" + forNode.get() + "'");
        }
        return Gateway.open(target, token(), Optional.ofNullable(tlsCa), forNode);
    }

    private String token() {
        if (tokenFile != null) {
            try {
                return Files.readString(tokenFile).strip();
            } catch (java.io.IOException e) {
                throw new UsageError("--token-file: cannot read " + tokenFile + ": " + e.getMessage());
            }
        }
        String token = env.get("KEELSON_TOKEN");
        if (token == null || token.isBlank()) {
            throw new UsageError("no API token: set KEELSON_TOKEN or pass --token-file (an admin creates one with `keelson token create`)");
        }
        return token.strip();
    }

    void print(com.google.protobuf.MessageOrBuilder message) {
        Output.print(message, output, out);
    }
}
