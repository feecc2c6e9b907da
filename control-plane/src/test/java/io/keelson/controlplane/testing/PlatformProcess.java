package io.keelson.controlplane.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged platform ({@code quarkus-run.jar}) as its own process, exactly as {@code ./keelson up} runs it. */
public final class PlatformProcess implements AutoCloseable {

    private static final Pattern UP = Pattern.compile("gRPC gateway on [^:]+:(\\d+)");
    /** Quarkus' own line, just after Keelson's: it has the HTTP port taken when port 0 was asked for. */
    private static final Pattern HTTP = Pattern.compile("Listening on: https?://[^ ]+:(\\d+)");

    private final Process process;
    private final int gatewayPort;
    private final int httpPort;
    private final String adminToken;
    private final List<String> startupLog;

    private PlatformProcess(Process process, int gatewayPort, int httpPort, String adminToken, List<String> startupLog) {
        this.process = process;
        this.gatewayPort = gatewayPort;
        this.httpPort = httpPort;
        this.adminToken = adminToken;
        this.startupLog = List.copyOf(startupLog);
    }

    public static PlatformProcess start(Path jar, Path home, Map<String, String> config) throws IOException, InterruptedException {
        return start(jar, home, config, Map.of());
    }

    /** With extra environment variables for the platform process. */
    public static PlatformProcess start(Path jar, Path home, Map<String, String> config, Map<String, String> env)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dkeelson.gateway.port=0", "-Dquarkus.http.port=0", "-Dkeelson.home=" + home));
        config.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        String extra = System.getenv("KEELSON_BENCH_PLATFORM_OPTS"); // e.g. a JFR recording while profiling
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> log = new ArrayList<>();
        String line;
        int gatewayPort = -1;
        while ((line = out.readLine()) != null) {
            log.add(line);
            Matcher up = UP.matcher(line);
            if (up.find()) {
                gatewayPort = Integer.parseInt(up.group(1));
            }
            Matcher m = HTTP.matcher(line);
            if (gatewayPort > 0 && m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        out.lines().forEach(l -> { });
                    } catch (java.io.UncheckedIOException closed) {
                        // the platform exited; nothing more to drain
                    }
                }, "platform-log-drain");
                drain.setDaemon(true);
                drain.start();
                Path token = home.resolve("admin-token"); // only the replica that issued it has one
                return new PlatformProcess(p, gatewayPort, Integer.parseInt(m.group(1)),
                        Files.exists(token) ? Files.readString(token).trim() : "", log);
            }
        }
        throw new IllegalStateException("platform exited before serving: " + p.waitFor());
    }

    /** CPU time the process has used so far (user + system). */
    public java.time.Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(java.time.Duration.ZERO);
    }

    /** Resident memory now (VmRSS from /proc), in bytes. */
    public long residentBytes() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(0);
        } catch (java.io.IOException gone) {
            return 0;
        }
    }

    public int gatewayPort() {
        return gatewayPort;
    }

    /** The console, /q/health and /q/metrics. */
    public int httpPort() {
        return httpPort;
    }

    public String adminToken() {
        return adminToken;
    }

    /** Everything the platform printed until it served. */
    public List<String> startupLog() {
        return startupLog;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
