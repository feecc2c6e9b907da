package io.keelson.agentcgroup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.keelson.agentcgroup.core.analysis.CorpusAnalysis;
import io.keelson.agentcgroup.core.analysis.TaskAnalysis;
import io.keelson.agentcgroup.core.trace.TaskTrace;
import io.keelson.agentcgroup.core.trace.TraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code agentcgroup analyze PATH...}: reads every task folder (one holding {@code resources.json}) at or
 * below the paths and prints, per task, time split and memory profile, then per tool type the peak-memory
 * distribution over all tasks. {@code --json} prints the same as JSON.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Analyse agent resource and tool-call traces (resources.json + tool_calls.json per task folder).")
final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "task folders, or folders to search for them")
    List<Path> paths;

    @Option(names = "--json", description = "print JSON instead of tables")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> tasks = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                err.println("PATH: " + p + " is not a directory");
                return 2;
            }
            tasks.addAll(taskFolders(p));
        }
        if (tasks.isEmpty()) {
            err.println("PATH: no task folder (one holding " + TraceReader.RESOURCES + ") under " + paths);
            return 2;
        }
        TraceReader reader = new TraceReader();
        List<TaskTrace> traces = tasks.stream().map(reader::read).toList();
        CorpusAnalysis corpus = CorpusAnalysis.of(traces);
        if (json) {
            try {
                out.println(new ObjectMapper().registerModule(new Jdk8Module()).enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(corpus));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            print(corpus, out);
        }
        out.flush();
        return 0;
    }

    private static List<Path> taskFolders(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().equals(TraceReader.RESOURCES)).map(Path::getParent).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + root, e);
        }
    }

    private static void print(CorpusAnalysis corpus, PrintWriter out) {
        out.printf(Locale.ROOT, "%-44s %7s %6s %8s %8s %7s %10s  %-12s %s%n", "task", "seconds", "tool%", "peak MB", "avg MB",
                "peak/avg", "burst MB/s", "at peak", "skipped");
        for (TaskAnalysis t : corpus.tasks()) {
            double burst = t.bursts().isEmpty() ? 0 : t.bursts().get(0).bytesPerSecond();
            boolean unknownEnds = t.callsWithoutEnd() > 0;
            String toolShare = unknownEnds ? "n/a" : String.format(Locale.ROOT, "%.0f%%", t.seconds() == 0 ? 0 : 100 * t.toolSeconds() / t.seconds());
            out.printf(Locale.ROOT, "%-44s %7.0f %6s %8.1f %8.1f %7.1fx %10.1f  %-12s %s%n", t.task(), t.seconds(), toolShare,
                    t.peakBytes() / 1e6, t.averageBytes() / 1e6, t.peakToAverage(), burst / 1e6,
                    t.peakTool().map(c -> (unknownEnds ? "~" : "") + c.tool()).orElse("(model)"), skipped(t));
        }
        if (corpus.tasks().stream().anyMatch(t -> t.callsWithoutEnd() > 0)) {
            out.println("n/a, ~: the trace has calls without end_timestamp; they are taken to run until the next call starts");
        }
        out.println();
        out.printf(Locale.ROOT, "%-14s %7s %10s %12s %12s %12s%n", "tool", "calls", "timed s", "P50 peak MB", "P95 peak MB", "max peak MB");
        corpus.byTool().values().forEach(s -> out.printf(Locale.ROOT, "%-14s %7d %10.1f %12.1f %12.1f %12.1f%n", s.tool(), s.calls(),
                s.seconds(), s.p50PeakBytes() / 1e6, s.p95PeakBytes() / 1e6, s.maxPeakBytes() / 1e6));
        for (TaskAnalysis t : corpus.tasks()) {
            for (TaskAnalysis.Spike spike : t.spikes()) {
                out.printf(Locale.ROOT, "spike %-38s %8.1f MB during %s%n", t.task(), spike.bytes() / 1e6,
                        spike.during().map(c -> c.tool() + (c.summary().isEmpty() ? "" : " `" + c.summary() + "`")).orElse("(model)"));
            }
        }
    }

    private static String skipped(TaskAnalysis t) {
        int s = t.samples().skippedTotal();
        int c = t.calls().skippedTotal();
        if (s + c == 0) {
            return "-";
        }
        List<String> reasons = new ArrayList<>(t.samples().skipped().keySet());
        reasons.addAll(t.calls().skipped().keySet());
        return s + " samples, " + c + " calls " + reasons;
    }
}
