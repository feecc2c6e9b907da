package io.keelson.gpuos.core.queue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CpuWorkerTest {

    @Test
    void aFailingTaskIsReportedAndTheWorkerKeepsGoingUntilQuit() throws Exception {
        TaskRing ring = new TaskRing(16);
        List<Long> failed = new CopyOnWriteArrayList<>();
        List<Long> ran = new CopyOnWriteArrayList<>();
        Thread worker = new Thread(new CpuWorker(ring, new CpuWorker.Task() {
            @Override
            public void run(long ticket, java.nio.ByteBuffer descriptor) {
                if (descriptor.getInt(0) == 13) {
                    throw new IllegalArgumentException("bad task");
                }
                ran.add(ticket);
            }

            @Override
            public void failed(long ticket, RuntimeException error) {
                failed.add(ticket);
            }
        }));
        worker.start();

        for (int i = 0; i < 10; i++) {
            int value = i == 4 ? 13 : i;
            ring.offer((t, d) -> d.putInt(0, value));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ring.completed() == 10);
        long beats = ring.heartbeat();
        await().atMost(Duration.ofSeconds(10)).until(() -> ring.heartbeat() > beats);

        ring.requestQuit();
        worker.join(10_000);

        assertThat(worker.isAlive()).isFalse();
        assertThat(failed).containsExactly(4L);
        assertThat(ran).hasSize(9).doesNotContain(4L);
    }
}
