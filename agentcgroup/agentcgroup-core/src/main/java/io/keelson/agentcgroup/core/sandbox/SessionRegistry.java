package io.keelson.agentcgroup.core.sandbox;

import io.keelson.agentcgroup.core.cgroup.Cgroup;
import io.keelson.agentcgroup.core.sim.Priority;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The agent sessions of one host: each has a cgroup, a working directory the service chose, the programs it may
 * run and its calls' default memory limit. Everything a client sends is checked here: ids are short names, a
 * session's programs must be among those the operator allows, memory limits are above a safe floor.
 */
public final class SessionRegistry {

    /** Below this a tool call cannot even start a shell: refused as a limit. */
    public static final long MEMORY_FLOOR = 16L << 20;
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    private static final Duration CALLS_END_WAIT = Duration.ofSeconds(10);

    /** A tool call's memory limit: the session's default, or one of its own (empty: none). */
    public sealed interface Limit {
        record SessionDefault() implements Limit {
        }

        record Explicit(OptionalLong bytes) implements Limit {
        }
    }

    /** One open session; {@code history} keeps its finished calls (the last {@link #HISTORY}). */
    public record Session(String id, Priority priority, OptionalLong defaultMemoryLimit, CommandPolicy commands, Path workDir,
                          Cgroup cgroup, Deque<FinishedCall> history, long openedSequence) {
    }

    /** A finished tool call as the session remembers it. */
    public record FinishedCall(String callId, String program, ToolCallResult result) {
    }

    /** What a session has used so far. */
    public record Usage(Session session, long memoryBytes, long peakMemoryBytes, Optional<Duration> cpu, int finished, int running,
                        long oomKills, List<FinishedCall> recent) {
    }

    static final int HISTORY = 100;
    private static final Logger LOG = Logger.getLogger(SessionRegistry.class.getName());

    private final ToolCallRunner runner;
    private final Path sessionsDir;
    private final Set<String> operatorAllowed;
    private final List<Path> searchPath;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> closing = ConcurrentHashMap.newKeySet();
    private final SessionLedger ledger;
    private final String node;
    private final java.util.concurrent.atomic.AtomicLong opened = new java.util.concurrent.atomic.AtomicLong();
    /** The last policy kill per session, so a call it ended is told why instead of seeing a bare SIGKILL. */
    private final Map<String, PolicyKill> policyKills = new ConcurrentHashMap<>();

    private record PolicyKill(String policy, String reason, long atNanos) {
    }

    public SessionRegistry(ToolCallRunner runner, Path sessionsDir, Set<String> operatorAllowed, List<Path> searchPath) {
        this(runner, sessionsDir, operatorAllowed, searchPath, SessionLedger.NONE, "local");
    }

    /** With sessions and calls also written to {@code ledger} as {@code node}'s; what this node left open there is closed now. */
    public SessionRegistry(ToolCallRunner runner, Path sessionsDir, Set<String> operatorAllowed, List<Path> searchPath,
                           SessionLedger ledger, String node) {
        this.runner = runner;
        this.sessionsDir = sessionsDir;
        this.operatorAllowed = Set.copyOf(operatorAllowed);
        this.searchPath = List.copyOf(searchPath);
        this.ledger = ledger;
        this.node = node;
        deleteTree(sessionsDir, false); // working directories of sessions that died with a previous process
        record(() -> ledger.closeLeftOpen(node, "the agentcgroup service restarted; what its calls left running was reaped", Instant.now()));
    }

    public SessionLedger ledger() {
        return ledger;
    }

    public Session create(String id, Priority priority, OptionalLong defaultMemoryLimit, Set<String> allowed) {
        checkId(id, "session_id");
        checkLimit(defaultMemoryLimit, "default_memory_limit_bytes");
        for (String program : allowed) {
            if (!operatorAllowed.contains(program)) {
                throw new SandboxException(SandboxException.Kind.INVALID, "allowed_commands", "'" + program
                        + "' is not allowed on this host (the operator allows " + operatorAllowed.stream().sorted().toList() + ")");
            }
        }
        if (sessions.containsKey(id)) {
            throw new SandboxException(SandboxException.Kind.EXISTS, "session_id", "session '" + id + "' is already open");
        }
        // recorded first: a ledger that cannot record it refuses the session before anything is made for it
        ledger.opened(node, id, priority, Instant.now());
        try {
            Path workDir = sessionsDir.resolve(id);
            try {
                Files.createDirectories(workDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + workDir, e);
            }
            Cgroup group = runner.openSession(id);
            group.setCpuWeight(priority.cpuWeight());
            Session session = new Session(id, priority, defaultMemoryLimit, new CommandPolicy(allowed, searchPath), workDir, group,
                    new ArrayDeque<>(), opened.incrementAndGet());
            if (sessions.putIfAbsent(id, session) != null) {
                throw new SandboxException(SandboxException.Kind.EXISTS, "session_id", "session '" + id + "' is already open");
            }
            return session;
        } catch (RuntimeException e) {
            record(() -> ledger.closed(node, id, "could not be opened: " + e.getMessage(), Instant.now()));
            throw e;
        }
    }

    /** A record of something that already happened: a ledger that cannot take it is logged, not allowed to undo it. */
    private static void record(Runnable write) {
        try {
            write.run();
        } catch (SessionLedger.Unavailable e) {
            LOG.warning(e.getMessage());
        }
    }

    /** The open sessions, oldest first. */
    public List<Session> sessions() {
        return sessions.values().stream().sorted(Comparator.comparingLong(Session::openedSequence)).toList();
    }

    public Optional<Session> get(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    /** Runs a tool call of session {@code sessionId}; output goes to {@code output} as it comes. */
    public ToolCallResult run(String sessionId, String callId, List<String> argv, Limit memoryLimit, Duration timeout,
                              Consumer<byte[]> output) {
        Session session = get(sessionId).orElseThrow(() -> new SandboxException(SandboxException.Kind.NOT_FOUND, "session_id",
                "no open session '" + sessionId + "'"));
        checkId(callId, "call_id");
        OptionalLong limit = memoryLimit instanceof Limit.Explicit e ? e.bytes() : session.defaultMemoryLimit();
        checkLimit(limit, "memory_limit_bytes");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new SandboxException(SandboxException.Kind.INVALID, "timeout_seconds", "must be 1.." + MAX_TIMEOUT.toSeconds());
        }
        CommandPolicy.Resolution resolution = session.commands().resolve(argv);
        if (resolution instanceof CommandPolicy.Resolution.Refused r) {
            throw new SandboxException(SandboxException.Kind.INVALID, "argv[0]", r.reason());
        }
        List<String> resolved = ((CommandPolicy.Resolution.Allowed) resolution).argv();
        String key = sessionId + "/" + callId;
        if (!running.add(key)) {
            throw new SandboxException(SandboxException.Kind.EXISTS, "call_id", "call '" + callId + "' is already running");
        }
        try {
            long started = System.nanoTime();
            long sessionOomKills = session.cgroup().oomKills();
            ToolCallResult result = explained(session, runner.run(sessionId, callId, resolved, limit, timeout, session.workDir(),
                    session.priority().oomScoreAdj(), output),
                    started, sessionOomKills);
            synchronized (session.history()) {
                session.history().addLast(new FinishedCall(callId, argv.get(0), result));
                while (session.history().size() > HISTORY) {
                    session.history().removeFirst();
                }
                counters(session).record(result);
            }
            record(() -> ledger.callFinished(node, sessionId, argv.get(0), result, Instant.now()));
            return result;
        } finally {
            running.remove(key);
        }
    }

    /**
     * Kills every process of the session for a memory policy, remembering why: the calls it ends get
     * {@link ToolCallResult.Verdict.KilledByPolicy} with {@code reason}.
     */
    public void killByPolicy(Session session, String policy, String reason) {
        policyKills.put(session.id(), new PolicyKill(policy, reason, System.nanoTime()));
        session.cgroup().kill();
    }

    /** A call that merely "completed" with a failure may have been killed for its session: say so, and why. */
    private ToolCallResult explained(Session session, ToolCallResult result, long started, long sessionOomKillsBefore) {
        if (!(result.verdict() instanceof ToolCallResult.Verdict.Completed c) || c.exitCode() == 0) {
            return result;
        }
        PolicyKill kill = policyKills.get(session.id());
        ToolCallResult.Verdict verdict;
        if (closing.contains(session.id())) {
            verdict = new ToolCallResult.Verdict.SessionClosed();
        } else if (kill != null && kill.atNanos() - started >= 0) {
            verdict = new ToolCallResult.Verdict.KilledByPolicy(kill.policy(), kill.reason());
        } else if (session.cgroup().oomKills() > sessionOomKillsBefore || result.oomKills() > 0) {
            // not its own limit (the runner names that): the session's (v2 counts the kill there too, v1 only in the call), else the host's
            long limit = session.cgroup().memoryMax();
            verdict = limit == Long.MAX_VALUE
                    ? new ToolCallResult.Verdict.OutOfMemory(ToolCallResult.Verdict.OutOfMemory.Scope.HOST, 0, result.peakBytes().orElse(0))
                    : new ToolCallResult.Verdict.OutOfMemory(ToolCallResult.Verdict.OutOfMemory.Scope.SESSION, limit,
                            session.cgroup().memoryPeak().orElse(limit));
        } else {
            return result;
        }
        return new ToolCallResult(result.callId(), result.exitCode(), result.peakBytes(), result.oomKills(), result.wall(), result.cpu(),
                verdict, result.output());
    }

    private final Map<String, Counters> counters = new ConcurrentHashMap<>();

    /** Totals over all of a session's calls (its history only keeps the last ones). */
    private static final class Counters {
        long peak;
        Duration cpu = Duration.ZERO;
        boolean cpuKnown = true;
        int finished;
        long oomKills;

        void record(ToolCallResult r) {
            peak = Math.max(peak, r.peakBytes().orElse(0));
            cpuKnown &= r.cpu().isPresent();
            cpu = cpu.plus(r.cpu().orElse(Duration.ZERO));
            finished++;
            oomKills += r.oomKills();
        }
    }

    private Counters counters(Session session) {
        return counters.computeIfAbsent(session.id(), k -> new Counters());
    }

    public Usage usage(String sessionId) {
        Session session = get(sessionId).orElseThrow(() -> new SandboxException(SandboxException.Kind.NOT_FOUND, "session_id",
                "no open session '" + sessionId + "'"));
        String prefix = sessionId + "/";
        int runningNow = (int) running.stream().filter(k -> k.startsWith(prefix)).count();
        synchronized (session.history()) {
            Counters c = counters(session);
            return new Usage(session, session.cgroup().memoryCurrent(), c.peak, c.cpuKnown ? Optional.of(c.cpu) : Optional.empty(),
                    c.finished, runningNow, c.oomKills, List.copyOf(session.history()));
        }
    }

    /**
     * Kills what is left in the session's group and removes it and its working directory. Running calls are killed
     * first and given time to return, since each removes its own child group and the session's cannot go before.
     */
    public void close(String sessionId) {
        close(sessionId, "closed");
    }

    private void close(String sessionId, String reason) {
        Session session = sessions.remove(sessionId);
        counters.remove(sessionId);
        policyKills.remove(sessionId);
        if (session == null) {
            throw new SandboxException(SandboxException.Kind.NOT_FOUND, "session_id", "no open session '" + sessionId + "'");
        }
        closing.add(sessionId);
        session.cgroup().kill();
        String prefix = sessionId + "/";
        long deadline = System.nanoTime() + CALLS_END_WAIT.toNanos();
        while (running.stream().anyMatch(k -> k.startsWith(prefix)) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closing.remove(sessionId);
        session.cgroup().remove();
        deleteTree(session.workDir(), true);
        record(() -> ledger.closed(node, sessionId, reason, Instant.now()));
    }

    /** Closes every session (a graceful stop leaves no group and no process behind). */
    public void closeAll() {
        for (String id : List.copyOf(sessions.keySet())) {
            close(id, "the agentcgroup service stopped");
        }
    }

    private static void checkId(String id, String field) {
        if (id == null || !id.matches("[a-z0-9][a-z0-9-]{0,47}")) {
            throw new SandboxException(SandboxException.Kind.INVALID, field, "1-48 of a-z, 0-9 and '-', starting with a letter or digit");
        }
    }

    private static void checkLimit(OptionalLong limit, String field) {
        if (limit.isPresent() && limit.getAsLong() < MEMORY_FLOOR) {
            throw new SandboxException(SandboxException.Kind.INVALID, field, "at least " + (MEMORY_FLOOR >> 20) + " MiB (a shell needs that much), was "
                    + limit.getAsLong());
        }
    }

    /** Removes what {@code dir} holds (and {@code dir} itself with {@code withDir}); only the sessions directory or below. */
    private void deleteTree(Path dir, boolean withDir) {
        if (!dir.normalize().startsWith(sessionsDir.normalize()) || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (withDir || !p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
