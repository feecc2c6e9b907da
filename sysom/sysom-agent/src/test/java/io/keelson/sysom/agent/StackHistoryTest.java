package io.keelson.sysom.agent;

import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.HostSample;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StackHistoryTest {

    private static RankStep step(double start, double end, Map<String, Long> stacks) {
        return new RankStep(0, 1, start, end, List.of(), 0, 0, stacks, new HostSample(0, 0, 0));
    }

    @Test
    void aStepGetsTheStacksOfItsSpanInProportionToTheOverlap() {
        StackHistory history = new StackHistory(TimeUnit.MINUTES.toMicros(30));
        history.record(0, 10_000_000, Map.of("python;train;forward", 100L, "python;loader;read", 20L));
        history.record(10_000_000, 20_000_000, Map.of("python;train;forward", 50L));

        // 8-12 s: a fifth of each window
        RankStep joined = history.join(step(8_000_000, 12_000_000, Map.of("python;train;forward", 1L)));
        assertThat(joined.stacks()).isEqualTo(Map.of("python;train;forward", 1L + 20 + 10, "python;loader;read", 4L));
        assertThat(history.join(step(30_000_000, 31_000_000, Map.of())).stacks()).as("no window covers it").isEmpty();
        RankStep hung = step(1_000_000, Double.NaN, Map.of());
        assertThat(history.join(hung)).isSameAs(hung);
    }

    @Test
    void continuousSamplingRecordsWindowAfterWindowAndReportsAProfilerThatCannotRecord() throws Exception {
        StackHistory history = new StackHistory(TimeUnit.MINUTES.toMicros(30));
        AtomicLong clock = new AtomicLong();
        List<String> problems = new CopyOnWriteArrayList<>();
        StackProfiler twoWindowsThenBroken = new StackProfiler() {
            private int calls;

            @Override
            public Map<String, Long> profile(long pid, Duration window) throws IOException {
                if (++calls > 2) {
                    throw new IOException("perf is not installed");
                }
                clock.addAndGet(window.toNanos() / 1000);
                return Map.of("self;work", 10L);
            }
        };
        long self = ProcessHandle.current().pid();
        try (ContinuousStacks sampling = new ContinuousStacks(twoWindowsThenBroken, self, Duration.ofSeconds(5), history, clock::get, problems::add)) {
            sampling.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (problems.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(problems).containsExactly("stack sampling stopped: perf is not installed");
        assertThat(history.join(step(0, 10_000_000, Map.of())).stacks()).isEqualTo(Map.of("self;work", 20L));
    }
}
