package io.keelson.sysom.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.keelson.sysom.core.timeline.CollectiveMatch;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.FlightRecorderDump;
import io.keelson.sysom.core.trace.KernelDurations;
import io.keelson.sysom.core.trace.KinetoReader;
import io.keelson.sysom.core.trace.ReadReport;
import io.keelson.sysom.v1.StreamEventsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code sysom-agent}: what runs on each training node. */
@Command(name = "sysom-agent", mixinStandardHelpOptions = true, subcommands = {NodeAgent.Sample.class, NodeAgent.Stacks.class,
        NodeAgent.Kernels.class, NodeAgent.FlightRecorder.class, NodeAgent.Publish.class, NodeAgent.Watch.class, NodeAgent.Node.class},
        description = "sysom's node agent: samples a process, records its CPU stacks (JFR or perf), reads Kineto traces and flight-recorder dumps, "
                + "sends step reports.")
public final class NodeAgent {

    public static void main(String[] args) {
        System.exit(new CommandLine(new NodeAgent()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            // sysom's refusal (a bad token, a role that may not send, an unreachable gateway) in one line, not a stack trace
            io.grpc.StatusRuntimeException refused = e instanceof io.grpc.StatusRuntimeException s ? s
                    : e.getCause() instanceof io.grpc.StatusRuntimeException s ? s : null;
            if (refused != null) {
                cmd.getErr().println("sysom-agent: sysom answered " + refused.getStatus().getCode() + ": " + refused.getStatus().getDescription());
                return 4;
            }
            cmd.getErr().println("sysom-agent: " + e.getMessage());
            return 1;
        }).execute(args));
    }

    @Command(name = "sample", description = "Prints a JSON line per interval: the process's CPU, run-queue delay, memory, IO, the host's "
            + "reclaim, and the agent's own CPU use.")
    static final class Sample implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--pid", required = true, description = "the process to sample")
        long pid;
        @Option(names = "--interval-ms", defaultValue = "1000", description = "milliseconds between samples (>= 10)")
        long intervalMs;
        @Option(names = "--count", defaultValue = "0", description = "samples to print; 0: until the process exits")
        int count;

        @Override
        public Integer call() throws Exception {
            if (intervalMs < 10) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--interval-ms: must be at least 10, was " + intervalMs);
            }
            ProcSampler sampler = ProcSampler.host();
            Optional<ProcessSample> first = sampler.sample(pid);
            if (first.isEmpty()) {
                System.err.println("--pid: no process " + pid);
                return 3;
            }
            AgentOverhead overhead = new AgentOverhead(sampler);
            ProcessSample previous = first.get();
            for (int i = 0; count == 0 || i < count; i++) {
                Thread.sleep(intervalMs);
                Optional<ProcessSample> now = sampler.sample(pid);
                if (now.isEmpty()) {
                    System.err.println("process " + pid + " exited");
                    return 0;
                }
                ProcessSample.Rates r = now.get().since(previous);
                previous = now.get();
                System.out.printf(Locale.ROOT, "{\"pid\":%d,\"seconds\":%.3f,\"cpus\":%.4f,\"sched_delay_us_per_s\":%.1f,\"rss_bytes\":%d,"
                                + "\"read_bytes_per_s\":%.0f,\"write_bytes_per_s\":%.0f,\"reclaimed_pages_per_s\":%.1f,\"agent_cpu_percent\":%.4f}%n",
                        pid, r.seconds(), r.cpus(), r.schedDelayMicrosPerSecond(), r.rssBytes(), r.readBytesPerSecond(), r.writeBytesPerSecond(),
                        r.reclaimedPagesPerSecond(), overhead.percentSinceLast());
            }
            return 0;
        }
    }

    @Command(name = "stacks", description = "Records a process's CPU stacks for a while and prints them folded, most samples first: "
            + "a JVM with JFR, any other process with perf.")
    static final class Stacks implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--pid", required = true, description = "the process (a JVM: jcmd must be able to attach, same user)")
        long pid;
        @Option(names = "--seconds", defaultValue = "5")
        int seconds;
        @Option(names = "--top", defaultValue = "20")
        int top;
        @Option(names = "--profiler", defaultValue = "auto", description = "auto (JFR for a JVM, else perf), jfr or perf")
        StackProfiler.Kind profiler;
        @Option(names = "--hz", defaultValue = "99", description = "perf's samples per second (1..999)")
        int hz;

        @Override
        public Integer call() throws Exception {
            checkHz(spec, hz);
            if (!Files.isDirectory(Path.of("/proc", Long.toString(pid)))) {
                System.err.println("--pid: no process " + pid);
                return 3;
            }
            Path work = Files.createTempDirectory("sysom-agent");
            try {
                StackProfiler.of(profiler, pid, hz, work).profile(pid, Duration.ofSeconds(seconds)).entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                        .forEach(e -> System.out.println(e.getKey() + " " + e.getValue()));
            } finally {
                Files.deleteIfExists(work);
            }
            return 0;
        }
    }

    private static void checkHz(CommandLine.Model.CommandSpec spec, int hz) {
        if (hz < 1 || hz > 999) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--hz: must be 1..999, was " + hz);
        }
    }

    @Command(name = "kernels", description = "Reads PyTorch profiler (Kineto) traces and prints each GPU kernel's duration distribution, "
            + "the most GPU time first.")
    static final class Kernels implements Callable<Integer> {
        @Option(names = "--top", defaultValue = "20", description = "kernels to print (>= 1)")
        int top;
        @Option(names = "--json", description = "one JSON object per kernel instead of a table")
        boolean json;
        @Parameters(arity = "1..*", description = "trace files (.json or .json.gz), read together")
        List<Path> traces;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (top < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--top: must be at least 1, was " + top);
            }
            KernelDurations durations = new KernelDurations();
            for (Path trace : traces) {
                new KinetoReader().read(trace, durations);
            }
            List<KernelDurations.Distribution> kernels = durations.byTotalTime();
            if (!json) {
                System.out.printf(Locale.ROOT, "%8s %12s %10s %10s %10s %10s  %s%n", "launches", "total µs", "p50 µs", "p95 µs", "p99 µs", "max µs", "kernel");
            }
            for (KernelDurations.Distribution k : kernels.subList(0, Math.min(top, kernels.size()))) {
                System.out.println(json ? JSON.writeValueAsString(asJson(k))
                        : String.format(Locale.ROOT, "%8d %12.1f %10.1f %10.1f %10.1f %10.1f  %s", k.launches(), k.totalMicros(), k.p50Micros(),
                        k.p95Micros(), k.p99Micros(), k.maxMicros(), k.kernel()));
            }
            if (kernels.isEmpty()) {
                System.err.println("no GPU kernels in " + traces);
                return 3;
            }
            return 0;
        }
    }

    @Command(name = "flight-recorder", description = "Reads the NCCL flight-recorder dumps of a hung job (one per rank, named "
            + "..._N for rank N, as PyTorch writes them on a timeout) and says per process group which collective did not complete and why. "
            + "Exit 0: every collective completed; 5: a hang or desync was found; 3: no dump could be read.")
    static final class FlightRecorder implements Callable<Integer> {
        @Option(names = "--json", description = "one JSON object per process group")
        boolean json;
        @Parameters(arity = "1..*", description = "dump files, or directories holding them")
        List<Path> paths;

        @Override
        public Integer call() throws Exception {
            List<FlightRecorderDump.Dump> dumps = new ArrayList<>();
            for (Path p : paths) {
                List<Path> files = Files.isDirectory(p) ? listDumps(p) : List.of(p);
                for (Path f : files) {
                    ReadReport report = new ReadReport();
                    try {
                        dumps.add(FlightRecorderDump.read(f, report));
                    } catch (IOException e) {
                        System.err.println(f + ": " + e.getMessage());
                        continue;
                    }
                    if (report.skippedEvents() > 0) {
                        System.err.println(f + ": " + report);
                    }
                }
            }
            if (dumps.isEmpty()) {
                System.err.println("no flight-recorder dump could be read from " + paths);
                return 3;
            }
            List<CollectiveMatch.Verdict> verdicts = CollectiveMatch.match(dumps);
            for (CollectiveMatch.Verdict v : verdicts) {
                if (json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("verdict", v.getClass().getSimpleName());
                    line.putAll(JSON.convertValue(v, Map.class));
                    line.put("explanation", v.describe());
                    System.out.println(JSON.writeValueAsString(line));
                } else {
                    System.out.println(v.describe());
                }
            }
            return verdicts.stream().allMatch(v -> v instanceof CollectiveMatch.AllCompleted) ? 0 : 5;
        }

        private static List<Path> listDumps(Path dir) throws IOException {
            try (var files = Files.list(dir)) {
                return files.filter(f -> Files.isRegularFile(f) && FlightRecorderDump.rankOf(f).isPresent()).sorted().toList();
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, Object> asJson(KernelDurations.Distribution k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", k.kernel());
        m.put("communication", k.communication());
        m.put("launches", k.launches());
        m.put("total_us", k.totalMicros());
        m.put("p50_us", k.p50Micros());
        m.put("p95_us", k.p95Micros());
        m.put("p99_us", k.p99Micros());
        m.put("max_us", k.maxMicros());
        return m;
    }

    /** Where step reports go and with which token ({@code publish}, {@code watch}, {@code node}). */
    static final class GatewayOptions {
        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--endpoint", required = true, description = "the gateway, host:port")
        String endpoint;
        @Option(names = "--token-file", description = "file holding an operator API token; default: $KEELSON_TOKEN")
        Path tokenFile;
        @Option(names = "--tls", description = "TLS to the gateway (the system's trust store)")
        boolean tls;

        /** Where a long-running agent takes its token from: the file, read again as it changes, or KEELSON_TOKEN. */
        TokenSource tokenSource() throws IOException {
            return tokenFile != null ? TokenSource.file(tokenFile, System.out::println) : TokenSource.fixed(token());
        }

        /** The token first, so a missing one is a usage error before anything connects. */
        String token() throws IOException {
            return NodeAgent.token(tokenFile, spec);
        }

        ManagedChannel channel() {
            return NodeAgent.channel(endpoint, tls);
        }
    }

    /** How {@code watch} and {@code node} record CPU stacks. */
    static final class StackOptions {
        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--stacks", defaultValue = "auto", description = "CPU stacks of each step: auto (JFR for a JVM, else perf), jfr, perf or off")
        String stacks;
        @Option(names = "--stacks-hz", defaultValue = "19", description = "perf's samples per second while watching (1..999; 19 as continuous profilers use)")
        int hz;
        @Option(names = "--stacks-window-seconds", defaultValue = "30", description = "length of each recording (1..300); each costs perf ~0.1 s of CPU")
        int windowSeconds;

        /** Empty for {@code off}. A bad value is a usage error naming its option. */
        Optional<RankWatch.Stacks> stacks() {
            if (hz < 1 || hz > 999) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--stacks-hz: must be 1..999, was " + hz);
            }
            if (windowSeconds < 1 || windowSeconds > 300) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--stacks-window-seconds: must be 1..300, was " + windowSeconds);
            }
            if (stacks.equals("off")) {
                return Optional.empty();
            }
            try {
                return Optional.of(new RankWatch.Stacks(StackProfiler.Kind.valueOf(stacks), hz, Duration.ofSeconds(windowSeconds)));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--stacks: auto, jfr, perf or off, was " + stacks);
            }
        }
    }

    @Command(name = "watch", description = "Runs beside a training rank: samples its process every second and its CPU stacks "
            + "continuously and, as its profiler writes traces into a directory, sends each new trace's steps to sysom with the host "
            + "counters and stacks of their spans.")
    static final class Watch implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        GatewayOptions gateway;
        @CommandLine.Mixin
        StackOptions stackOptions;
        @Option(names = "--pid", required = true, description = "the training rank's process")
        long pid;
        @Option(names = "--dir", required = true, description = "where its profiler writes traces")
        Path dir;
        @Option(names = "--job", required = true)
        String job;
        @Option(names = "--world-size", required = true)
        int worldSize;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dir)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--dir: " + dir + " is not a directory");
            }
            Optional<RankWatch.Stacks> stacks = stackOptions.stacks();
            String token = gateway.token();
            ProcSampler sampler = ProcSampler.host();
            AgentOverhead overhead = new AgentOverhead(sampler);
            ManagedChannel channel = gateway.channel();
            try (RankWatch watch = new RankWatch(pid, job, worldSize, Optional.empty(), dir, sampler, stacks, System.out::println)) {
                Publisher publisher = new Publisher(channel, token);
                while (watch.tick(publisher, overhead)) {
                    Thread.sleep(1000);
                }
                System.err.println("process " + pid + " exited");
                return 0;
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Command(name = "node", mixinStandardHelpOptions = true, description = "Runs once per node (a DaemonSet): watches every training rank on it — each process with "
            + "KEELSON_SYSOM_JOB, RANK and WORLD_SIZE in its environment — as watch does, rank by rank, as they start and exit. A rank's "
            + "traces are read from KEELSON_SYSOM_TRACES, default <traces-root>/<job>/rank-<RANK>, only ever inside --traces-root.")
    static final class Node implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        GatewayOptions gateway;
        @CommandLine.Mixin
        StackOptions stackOptions;
        @Option(names = "--traces-root", required = true, description = "the directory the ranks' profilers write under (the only one read)")
        Path tracesRoot;
        @Option(names = "--scan-seconds", defaultValue = "10", description = "how often to look for ranks that started (1..3600)")
        int scanSeconds;
        @Option(names = "--health-port", defaultValue = "-1", description = "serve /q/health/live and /q/health/ready on this port (0: any; default: not at all)")
        int healthPort;
        @Option(names = "--proc", defaultValue = "/proc", hidden = true)
        Path proc;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(tracesRoot)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--traces-root: " + tracesRoot + " is not a directory");
            }
            if (scanSeconds < 1 || scanSeconds > 3600) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--scan-seconds: must be 1..3600, was " + scanSeconds);
            }
            if (healthPort < -1 || healthPort > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--health-port: must be 0..65535, was " + healthPort);
            }
            Optional<RankWatch.Stacks> stacks = stackOptions.stacks();
            TokenSource tokens = gateway.tokenSource();
            ProcSampler sampler = new ProcSampler(proc);
            AgentOverhead overhead = new AgentOverhead(ProcSampler.host());
            ManagedChannel channel = gateway.channel();
            // a publish waits up to 60 s for sysom's answer: a loop quiet for longer than that is stuck
            Optional<AgentHealth> health = healthPort < 0 ? Optional.empty() : Optional.of(AgentHealth.serve(healthPort, Duration.ofSeconds(180)));
            health.ifPresent(h -> System.out.println(JsonLine.of("health_port", h.port())));
            try (NodeWatch node = new NodeWatch(new RankProcesses(proc, tracesRoot), sampler, stacks, System.out::println)) {
                Optional<Publisher> publisher = Optional.empty();
                for (long tick = 0; ; tick++) {
                    if (tick % scanSeconds == 0) {
                        node.scan();
                        health.ifPresent(AgentHealth::scanned);
                        Optional<String> token = tokens.changed();
                        if (token.isPresent()) {
                            publisher = Optional.of(new Publisher(channel, token.get()));
                        }
                    }
                    if (publisher.isPresent()) {
                        node.tick(publisher.get(), overhead);
                    }
                    health.ifPresent(AgentHealth::beat);
                    Thread.sleep(1000);
                }
            } finally {
                health.ifPresent(AgentHealth::close);
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The operator token from {@code --token-file} or {@code KEELSON_TOKEN}; none is a usage error naming the option. */
    static String token(Path tokenFile, CommandLine.Model.CommandSpec spec) throws java.io.IOException {
        String token = tokenFile != null ? Files.readString(tokenFile).strip() : Optional.ofNullable(System.getenv("KEELSON_TOKEN")).orElse("");
        if (token.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--token-file: no token (give a file, or set KEELSON_TOKEN)");
        }
        return token;
    }

    static ManagedChannel channel(String endpoint, boolean tls) {
        ChannelCredentials credentials = tls ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
        return Grpc.newChannelBuilder(endpoint, credentials).build();
    }

    @Command(name = "publish", description = "Reads PyTorch profiler (Kineto) traces, one per rank, and streams their steps to sysom.")
    static final class Publish implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        GatewayOptions gateway;
        @Option(names = "--job", required = true)
        String job;
        @Option(names = "--world-size", description = "ranks of the job; default: the traces' distributedInfo")
        Integer worldSize;
        @Parameters(arity = "1..*", description = "trace files (.json or .json.gz)")
        List<Path> traces;

        @Override
        public Integer call() throws Exception {
            String token = gateway.token();
            List<KinetoSteps.Steps> ranks = new ArrayList<>();
            for (Path trace : traces) {
                KinetoSteps.Steps read = KinetoSteps.read(trace);
                if (read.report().skippedEvents() > 0 || read.report().wasTruncated()) {
                    System.err.println(trace + ": " + read.report());
                }
                ranks.add(read);
            }
            List<RankStep> steps = new ArrayList<>();
            int world = 0;
            for (KinetoSteps.Steps s : KinetoSteps.splitWaits(KinetoSteps.align(ranks))) { // each rank's clock onto the first's
                steps.addAll(s.steps());
                world = Math.max(world, s.worldSize().orElse(s.rank().orElse(0) + 1));
            }
            ManagedChannel channel = gateway.channel();
            try {
                StreamEventsResponse r = new Publisher(channel, token).publish(job, worldSize != null ? worldSize : world, steps);
                System.out.println("sent " + steps.size() + " step reports: " + r.getAccepted() + " kept, " + r.getRejected() + " rejected"
                        + (r.getRejectionsCount() == 0 ? "" : " (first: " + r.getRejections(0).getField() + ": " + r.getRejections(0).getReason() + ")"));
                return r.getRejected() == 0 ? 0 : 1;
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
