package io.keelson.gpuos.core.queue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WatchdogTest {

    private static final long MS = 1_000_000;

    @Test
    void silenceWithWorkWaitingIsAStallSilenceWhenIdleIsNot() {
        TaskRing ring = new TaskRing(8);
        List<Watchdog.Stall> stalls = new ArrayList<>();
        Watchdog watchdog = new Watchdog(ring, Duration.ofMillis(100), stalls::add);

        assertThat(watchdog.check(0)).isFalse();
        assertThat(watchdog.check(500 * MS)).as("idle, nothing pending").isFalse();

        ring.offer((t, d) -> { });
        assertThat(watchdog.check(550 * MS)).as("work waiting, silent for 550 ms").isTrue();
        assertThat(stalls).singleElement().satisfies(s -> {
            assertThat(s.pendingTasks()).isEqualTo(1);
            assertThat(s.silentFor()).isEqualTo(Duration.ofMillis(550));
        });

        assertThat(watchdog.check(600 * MS)).as("the relaunched worker gets a full period").isFalse();
        ring.beat();
        assertThat(watchdog.check(700 * MS)).as("heartbeat moved").isFalse();
        assertThat(watchdog.check(750 * MS)).isFalse();
        assertThat(watchdog.check(801 * MS)).isTrue();
    }

    @Test
    void aStuckWorkerIsReplacedAndEveryTaskRunsExactlyOnce() throws Exception {
        TaskRing ring = new TaskRing(64);
        int tasks = 200;
        AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
        CountDownLatch release = new CountDownLatch(1);
        CpuWorker.Task work = (ticket, d) -> {
            if (ticket == 3) {
                try {
                    release.await(); // the worker hangs on this task, as a wedged GPU worker would
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            runs.incrementAndGet((int) ticket);
        };
        List<Thread> workers = new ArrayList<>();
        Runnable launch = () -> {
            Thread t = new Thread(new CpuWorker(ring, work), "worker-" + workers.size());
            t.setDaemon(true);
            workers.add(t);
            t.start();
        };
        List<Watchdog.Stall> stalls = new ArrayList<>();
        Watchdog watchdog = new Watchdog(ring, Duration.ofMillis(50), stall -> {
            stalls.add(stall);
            launch.run();
        });
        launch.run();

        for (int i = 0; i < tasks; i++) {
            // the host keeps its watchdog running while it waits for room, as the service does
            while (ring.offer((t, d) -> { }) == TaskRing.FULL) {
                watchdog.check(System.nanoTime());
                Thread.onSpinWait();
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            watchdog.check(System.nanoTime());
            return ring.completed() == tasks - 1;
        });
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> ring.completed() == tasks);
        ring.requestQuit();

        assertThat(stalls).isNotEmpty();
        assertThat(workers).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < tasks; i++) {
            assertThat(runs.get(i)).as("task %d", i).isEqualTo(1);
        }
    }
}
