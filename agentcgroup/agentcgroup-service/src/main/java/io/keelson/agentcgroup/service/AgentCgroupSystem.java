package io.keelson.agentcgroup.service;

import io.keelson.agentcgroup.core.cgroup.CgroupException;
import io.keelson.agentcgroup.core.cgroup.CgroupLayout;
import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.cgroup.FakeCgroupFs;
import io.keelson.agentcgroup.core.live.PressureWatch;
import io.keelson.agentcgroup.core.sandbox.CommandPolicy;
import io.keelson.agentcgroup.core.sandbox.SessionLedger;
import io.keelson.agentcgroup.core.sandbox.SessionRegistry;
import io.keelson.agentcgroup.core.sandbox.ToolCallRunner;
import io.keelson.common.events.EventBus;
import io.keelson.common.events.InProcessEventBus;
import io.keelson.common.v1.Backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The agentcgroup system as a deployable unit: the probed cgroup backend, the session registry on it, and the
 * gRPC service. Its cgroup tree is named after its state directory ({@code keelson-<hash>}), so two instances
 * with different homes never touch each other's groups, and a restart reaps what its predecessor left (a
 * service killed mid-call leaves the call's processes running in their group).
 */
public final class AgentCgroupSystem implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AgentCgroupSystem.class.getName());
    /** Tool calls running at once; one more is RESOURCE_EXHAUSTED. */
    static final int MAX_RUNNING_CALLS = 64;

    public static final Set<String> DEFAULT_ALLOWED_COMMANDS = Set.of("sh", "bash", "python3", "git", "cat", "ls", "echo", "sleep",
            "head", "tail", "tr", "grep", "sed", "make", "env", "true", "false");

    private final ExecutorService calls;
    private final AgentCgroupGrpcService service;
    private final Optional<SessionRegistry> sessions;
    private final Optional<Cgroups> cgroups;
    private final SessionEvents events;
    private final Optional<PressureWatch> pressureWatch;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agentcgroup-policy");
        t.setDaemon(true);
        return t;
    });

    private AgentCgroupSystem(Optional<SessionRegistry> sessions, Optional<Cgroups> cgroups, Backend backend, String unsupported, EventBus bus) {
        this.events = new SessionEvents(bus);
        this.sessions = sessions;
        this.cgroups = cgroups;
        Optional<LivePolicy> policy = sessions.map(s -> new LivePolicy(s, cgroups.orElseThrow(), defaultBudget(), action -> events.publish(
                io.keelson.agentcgroup.v1.SessionEvent.newBuilder().setAtEpoch(System.currentTimeMillis() / 1e3)
                        .setSessionId(action.session()).setKind(kind(action.kind())).setDetail(action.reason())
                        .setReactionMicros(action.reactionNanos() / 1_000).setBackend(backend).build())));
        policy.ifPresent(p -> ticker.scheduleAtFixedRate(() -> {
            try {
                p.tick();
            } catch (RuntimeException e) {
                LOG.warning("agentcgroup policy tick: " + e.getMessage());
            }
        }, 100, 100, TimeUnit.MILLISECONDS));
        // between ticks, a round as soon as the kernel reports 10 ms of the host's memory stall in a second (PSI trigger)
        this.pressureWatch = policy.flatMap(p -> PressureWatch.start(cgroups.orElseThrow(), Duration.ofMillis(10), Duration.ofSeconds(1), p::tick));
        if (policy.isPresent()) {
            LOG.info("agentcgroup: policies sample every 100 ms" + pressureWatch.map(w -> " and run at once on a PSI trigger (10 ms stall per "
                    + w.window().toSeconds() + " s)").orElse("; no PSI trigger on this backend"));
        }
        this.calls = new ThreadPoolExecutor(0, MAX_RUNNING_CALLS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "agentcgroup-call");
            t.setDaemon(true);
            return t;
        });
        this.service = new AgentCgroupGrpcService(sessions, backend, unsupported, calls, events, policy);
    }

    /**
     * Starts on the backend {@code choice} names: {@code KERNEL} needs a writable memory controller (else sessions
     * are refused, saying why), {@code EMULATED} runs a fake cgroupfs under the state directory, {@code AUTO} takes
     * the kernel's where usable and the emulated one otherwise, saying so in the log and in every reply.
     */
    public static AgentCgroupSystem start(Path stateDirectory, Set<String> allowedCommands, CgroupBackend choice) {
        return start(stateDirectory, allowedCommands, choice, new InProcessEventBus());
    }

    /** As {@link #start(Path, Set, CgroupBackend)}, publishing session and tool-call events on {@code bus}. */
    public static AgentCgroupSystem start(Path stateDirectory, Set<String> allowedCommands, CgroupBackend choice, EventBus bus) {
        return start(stateDirectory, allowedCommands, choice, bus, SessionLedger.NONE, "local");
    }

    /** As {@link #start(Path, Set, CgroupBackend, EventBus)}, keeping sessions and calls in {@code ledger} as {@code node}'s. */
    public static AgentCgroupSystem start(Path stateDirectory, Set<String> allowedCommands, CgroupBackend choice, EventBus bus,
                                          SessionLedger ledger, String node) {
        String root = rootName(stateDirectory);
        String unusable = "";
        if (choice != CgroupBackend.EMULATED) {
            CgroupLayout layout = CgroupLayout.probe();
            Optional<Cgroups> kernel = Cgroups.of(layout, root);
            unusable = layout instanceof CgroupLayout.None none ? "no cgroup memory controller on this host: " + none.reason() : "";
            if (kernel.isPresent()) {
                try {
                    return started(stateDirectory, allowedCommands, ledger, node, kernel.get(),
                            kernel.get().backend().startsWith("cgroup v2") ? Backend.BACKEND_CGROUP_V2 : Backend.BACKEND_CGROUP_V1, bus);
                } catch (CgroupException e) {
                    unusable = "the cgroup tree is not usable (" + e.getMessage() + ")";
                }
            }
            if (choice == CgroupBackend.KERNEL) {
                LOG.warning("agentcgroup: " + unusable + "; sessions and tool calls are refused, analysis and simulation work");
                return new AgentCgroupSystem(Optional.empty(), Optional.empty(), Backend.BACKEND_KERNEL_UNSUPPORTED, unusable, bus);
            }
            LOG.warning("agentcgroup: " + unusable + "; sessions run on the emulated backend (fake cgroupfs + simulated kernel)");
        }
        Cgroups emulated = Cgroups.emulated(FakeCgroupFs.open(stateDirectory.resolve("cgroupfs"), Duration.ofMillis(10)), root);
        return started(stateDirectory, allowedCommands, ledger, node, emulated, Backend.BACKEND_CGROUP_FAKE, bus);
    }

    /** Reaps what a previous run left in {@code cgroups}, then serves sessions there. */
    private static AgentCgroupSystem started(Path stateDirectory, Set<String> allowedCommands, SessionLedger ledger, String node,
                                             Cgroups cgroups, Backend backend, EventBus bus) {
        ToolCallRunner runner = new ToolCallRunner(cgroups);
        int reaped = runner.reapLeftovers();
        if (reaped > 0) {
            LOG.info("agentcgroup: reaped " + reaped + " cgroups left by a previous run");
        }
        return new AgentCgroupSystem(Optional.of(new SessionRegistry(runner, stateDirectory.resolve("sessions"), allowedCommands,
                CommandPolicy.DEFAULT_SEARCH_PATH, ledger, node)), Optional.of(cgroups), backend, "", bus);
    }

    private static io.keelson.agentcgroup.v1.EventKind kind(io.keelson.agentcgroup.core.live.PolicyAction.Kind kind) {
        return switch (kind) {
            case LIMIT -> io.keelson.agentcgroup.v1.EventKind.EVENT_KIND_LIMIT_SET;
            case THROTTLE -> io.keelson.agentcgroup.v1.EventKind.EVENT_KIND_THROTTLED;
            case RESUME -> io.keelson.agentcgroup.v1.EventKind.EVENT_KIND_RESUMED;
            case FREEZE -> io.keelson.agentcgroup.v1.EventKind.EVENT_KIND_FROZEN;
            case THAW -> io.keelson.agentcgroup.v1.EventKind.EVENT_KIND_THAWED;
            case KILL -> io.keelson.agentcgroup.v1.EventKind.EVENT_KIND_KILLED;
        };
    }

    /** 90 % of the memory the host has available now (MemAvailable), else 8 GiB. */
    static long defaultBudget() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return (long) (Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 * 0.9);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the default
        }
        return 8L << 30;
    }

    /** The name of the cgroup tree an instance with this state directory owns. */
    static String rootName(Path stateDirectory) {
        return "keelson-" + digest(stateDirectory.toAbsolutePath().toString());
    }

    public AgentCgroupGrpcService service() {
        return service;
    }

    /** Ends every session and removes the cgroup tree: a graceful stop leaves no group and no process behind. */
    @Override
    public void close() {
        ticker.shutdownNow();
        pressureWatch.ifPresent(PressureWatch::close);
        calls.shutdownNow();
        try {
            sessions.ifPresent(SessionRegistry::closeAll);
            cgroups.ifPresent(Cgroups::removeAll);
        } catch (CgroupException e) {
            LOG.warning("agentcgroup: while removing its cgroups: " + e.getMessage());
        } finally {
            cgroups.ifPresent(Cgroups::close);
        }
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
