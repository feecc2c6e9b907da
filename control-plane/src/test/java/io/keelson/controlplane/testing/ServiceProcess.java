package io.keelson.controlplane.testing;

import io.keelson.controlplane.echo.EchoServer;
import io.keelson.gpuos.service.GpuOsServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A system's service in a JVM of its own on localhost, as a remote system is deployed in cluster mode.
 * The main class takes {@code port [cert key client-ca]} and prints {@code LISTENING <port>} (EchoServer, GpuOsServer).
 */
public final class ServiceProcess implements AutoCloseable {

    private final String mainClass;
    private final List<String> tlsArgs;
    private final Map<String, String> env;
    private Process process;
    private int port;

    private ServiceProcess(Class<?> mainClass, List<String> tlsArgs, Map<String, String> env) {
        this.mainClass = mainClass.getName();
        this.tlsArgs = tlsArgs;
        this.env = Map.copyOf(env);
    }

    private ServiceProcess(Class<?> mainClass, List<String> tlsArgs) {
        this(mainClass, tlsArgs, Map.of());
    }

    /** Any system's standalone server ({@code mainClass} takes {@code port}), plaintext, with these environment variables. */
    public static ServiceProcess of(Class<?> mainClass, Map<String, String> env) {
        return new ServiceProcess(mainClass, List.of(), env);
    }

    /** The echo system, plaintext. */
    public ServiceProcess() {
        this(EchoServer.class, List.of());
    }

    /** The echo system over TLS with a required client certificate signed by {@code clientCa}. */
    public ServiceProcess(Path cert, Path key, Path clientCa) {
        this(EchoServer.class, List.of(cert.toString(), key.toString(), clientCa.toString()));
    }

    /** The gpuos service (CPU backend on a host without CUDA), plaintext. */
    public static ServiceProcess gpuos() {
        return new ServiceProcess(GpuOsServer.class, List.of());
    }

    /** Starts on {@code port} (0: a free one) and returns once it serves. */
    public ServiceProcess start(int requestedPort) {
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass,
                    Integer.toString(requestedPort)));
            cmd.addAll(tlsArgs);
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().putAll(env);
            process = builder.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("LISTENING ")) {
                    port = Integer.parseInt(line.substring("LISTENING ".length()).trim());
                    return this;
                }
            }
            throw new IllegalStateException(mainClass + " exited before listening: " + process.waitFor());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** CPU time the process has used so far (user + system). */
    public java.time.Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(java.time.Duration.ZERO);
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL, then wait until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts again on the same port. */
    public void restart() {
        start(port);
    }

    @Override
    public void close() {
        if (process != null) {
            kill();
        }
    }
}
