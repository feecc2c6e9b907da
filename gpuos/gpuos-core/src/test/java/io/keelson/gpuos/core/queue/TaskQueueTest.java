package io.keelson.gpuos.core.queue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TaskQueueTest {

    @Test
    void everySubmittedTaskCompletesItsOwnFutureWithItsOutcome() throws Exception {
        TaskQueue queue = new TaskQueue(new TaskRing(64));
        Thread worker = new Thread(new CpuWorker(queue.ring(), queue.completing((ticket, d) -> {
            if (d.getInt(0) % 100 == 42) {
                throw new IllegalArgumentException("operand " + d.getInt(0) + " rejected");
            }
        })));
        worker.start();

        List<TaskQueue.Submission.Accepted> accepted = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int operand = i;
            TaskQueue.Submission s;
            while ((s = queue.submit((t, d) -> d.putInt(0, operand))) instanceof TaskQueue.Submission.Full) {
                Thread.onSpinWait();
            }
            accepted.add((TaskQueue.Submission.Accepted) s);
        }
        CompletableFuture.allOf(accepted.stream().map(TaskQueue.Submission.Accepted::outcome).toArray(CompletableFuture[]::new))
                .get(30, TimeUnit.SECONDS);
        queue.ring().requestQuit();
        worker.join(10_000);

        for (int i = 0; i < accepted.size(); i++) {
            TaskOutcome outcome = accepted.get(i).outcome().get();
            if (i % 100 == 42) {
                assertThat(outcome).isEqualTo(new TaskOutcome.Failed(i, "operand " + i + " rejected"));
            } else {
                assertThat(outcome).isEqualTo(new TaskOutcome.Done(i));
            }
        }
        assertThat(queue.inFlight()).isZero();
        assertThat(queue.ring().completed()).isEqualTo(1_000);
    }

    @Test
    void aFullQueueQueuesNothingAndSaysSo() {
        TaskQueue queue = new TaskQueue(new TaskRing(2));
        assertThat(queue.submit((t, d) -> { })).isInstanceOf(TaskQueue.Submission.Accepted.class);
        assertThat(queue.submit((t, d) -> { })).isInstanceOf(TaskQueue.Submission.Accepted.class);

        assertThat(queue.submit((t, d) -> { })).isInstanceOf(TaskQueue.Submission.Full.class);
        assertThat(queue.inFlight()).isEqualTo(2);
        assertThat(queue.ring().submitted()).isEqualTo(2);
    }
}
