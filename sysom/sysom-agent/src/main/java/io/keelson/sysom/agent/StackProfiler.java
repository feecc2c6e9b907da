package io.keelson.sysom.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Records a process's CPU stacks for a while, folded root-first: JFR for a JVM, perf for anything. */
@FunctionalInterface
public interface StackProfiler {

    Map<String, Long> profile(long pid, Duration duration) throws IOException, InterruptedException;

    /** Which profiler records stacks. */
    enum Kind { auto, jfr, perf }

    /** {@code auto}: JFR when {@code pid} runs a JVM (perf cannot name JIT-compiled frames), else perf at {@code hz}. */
    static StackProfiler of(Kind kind, long pid, int hz, Path workDir) {
        boolean jfr = kind == Kind.jfr || (kind == Kind.auto && PerfStacks.isJvm(pid));
        return jfr ? (p, d) -> JfrStacks.profile(p, d, workDir) : (p, d) -> PerfStacks.profile(p, d, hz, workDir);
    }
}
