package io.keelson.sysom.agent;

import io.keelson.common.health.HealthEndpoint;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The node agent's health for its kubelet ({@link HealthEndpoint}): live while the agent's loop has come round
 * within {@code stall} (a loop stuck on a call that never returns is restarted); ready once it has looked for ranks
 * at least once. The agent serves nothing else.
 */
public final class AgentHealth implements AutoCloseable {

    private final LongSupplier nanoClock;
    private final long stallNanos;
    private final HealthEndpoint endpoint;
    private volatile long lastBeat;
    private volatile boolean scanned;

    private AgentHealth(int port, Duration stall, LongSupplier nanoClock) throws IOException {
        this.nanoClock = nanoClock;
        this.stallNanos = stall.toNanos();
        this.lastBeat = nanoClock.getAsLong();
        HealthEndpoint.Check loop = new HealthEndpoint.Check("loop", this::live);
        this.endpoint = HealthEndpoint.serve(port, List.of(loop), List.of(loop, new HealthEndpoint.Check("ranks looked for", () -> scanned)));
    }

    /** Serves on {@code port} (0: any free one). */
    public static AgentHealth serve(int port, Duration stall) throws IOException {
        return new AgentHealth(port, stall, System::nanoTime);
    }

    static AgentHealth serve(int port, Duration stall, LongSupplier nanoClock) throws IOException {
        return new AgentHealth(port, stall, nanoClock);
    }

    public int port() {
        return endpoint.port();
    }

    /** The loop came round. */
    public void beat() {
        lastBeat = nanoClock.getAsLong();
    }

    /** The first look for ranks is done. */
    public void scanned() {
        scanned = true;
    }

    private boolean live() {
        return nanoClock.getAsLong() - lastBeat <= stallNanos;
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
