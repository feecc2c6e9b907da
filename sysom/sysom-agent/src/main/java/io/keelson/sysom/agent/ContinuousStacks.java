package io.keelson.sysom.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Always-on stack sampling beside a training rank: one recording window after another into a {@link StackHistory},
 * on a daemon thread, until closed or the process is gone. A profiler that cannot record (perf missing, attach
 * refused) is reported once and sampling stops; the rest of the agent goes on without stacks.
 */
public final class ContinuousStacks implements AutoCloseable {

    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param clockMicros the traces' wall clock, epoch µs
     * @param problems    where the reason goes when sampling stops on its own
     */
    public ContinuousStacks(StackProfiler profiler, long pid, Duration window, StackHistory history, LongSupplier clockMicros,
                            Consumer<String> problems) {
        this.thread = new Thread(() -> {
            while (!closed && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                long start = clockMicros.getAsLong();
                try {
                    Map<String, Long> stacks = profiler.profile(pid, window);
                    history.record(start, clockMicros.getAsLong(), stacks);
                } catch (IOException e) {
                    if (!closed && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) { // a recording the rank's exit cut is no problem
                        problems.accept("stack sampling stopped: " + e.getMessage());
                    }
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sysom-stacks-" + pid);
        thread.setDaemon(true);
    }

    public ContinuousStacks start() {
        thread.start();
        return this;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
