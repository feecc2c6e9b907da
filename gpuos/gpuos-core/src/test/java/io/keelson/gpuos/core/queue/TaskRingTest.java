package io.keelson.gpuos.core.queue;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskRingTest {

    @Test
    void tasksComeOutInOrderWithTheirDescriptorsAcrossManyLaps() {
        TaskRing ring = new TaskRing(8);
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            long value = i * 31L;
            long ticket = ring.offer((t, d) -> d.putLong(0, value).putInt(8, (int) t));
            assertThat(ticket).isEqualTo(i);
            long ran = ring.poll(scratch(), (t, d) -> {
                assertThat(d.getLong(0)).isEqualTo(value);
                assertThat(d.getInt(8)).isEqualTo((int) t);
                seen.add(t);
            });
            assertThat(ran).isEqualTo(i);
        }
        assertThat(seen).hasSize(80);
        assertThat(ring.completed()).isEqualTo(80);
        assertThat(ring.depth()).isZero();
    }

    @Test
    void aFullRingSaysSoAndAcceptsAgainOnceASlotIsFree() {
        TaskRing ring = new TaskRing(4);
        for (int i = 0; i < 4; i++) {
            assertThat(ring.offer((t, d) -> { })).isEqualTo(i);
        }

        assertThat(ring.offer((t, d) -> { })).isEqualTo(TaskRing.FULL);
        assertThat(ring.depth()).isEqualTo(4);

        assertThat(ring.poll(scratch(), (t, d) -> { })).isZero();
        assertThat(ring.offer((t, d) -> { })).isEqualTo(4);
    }

    @Test
    void aTaskStillRunningHoldsNoSlot() throws Exception {
        TaskRing ring = new TaskRing(2);
        ring.offer((t, d) -> d.putInt(0, 7));
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread worker = new Thread(() -> ring.poll(scratch(), (t, d) -> {
            running.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(d.getInt(0)).as("the worker's copy is intact while producers reuse the slot").isEqualTo(7);
        }));
        worker.start();
        running.await();

        assertThat(ring.offer((t, d) -> d.putInt(0, 1))).isEqualTo(1);
        assertThat(ring.offer((t, d) -> d.putInt(0, 2))).isEqualTo(2);
        assertThat(ring.completed()).isZero();

        finish.countDown();
        worker.join(10_000);
        assertThat(ring.completed()).isEqualTo(1);
    }

    /**
     * The ring is FIFO by ticket, and a slot is consumable only once published. So while a producer is between
     * claiming a slot and publishing it, later tasks wait behind it and a poll says EMPTY even though a later
     * offer has returned: Vyukov's ring is not linearizable on emptiness (Lincheck's stress mode finds exactly this
     * history). Nothing is lost or reordered: once the slow producer publishes, both come out in ticket order.
     */
    @Test
    void aTaskBeingWrittenHoldsBackLaterTasksWithoutLosingOrReorderingThem() throws Exception {
        TaskRing ring = new TaskRing(4);
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch publish = new CountDownLatch(1);
        Thread slow = new Thread(() -> ring.offer((t, d) -> {
            d.putInt(0, 1);
            claimed.countDown();
            try {
                publish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        slow.start();
        assertThat(claimed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ring.offer((t, d) -> d.putInt(0, 2))).isEqualTo(1);
        ByteBuffer scratch = ByteBuffer.allocate(TaskLayout.DESCRIPTOR_LENGTH);
        List<Integer> seen = new ArrayList<>();
        assertThat(ring.poll(scratch, (t, d) -> seen.add(d.getInt(0)))).isEqualTo(TaskRing.EMPTY);

        publish.countDown();
        slow.join(10_000);
        assertThat(ring.poll(scratch, (t, d) -> seen.add(d.getInt(0)))).isZero();
        assertThat(ring.poll(scratch, (t, d) -> seen.add(d.getInt(0)))).isEqualTo(1);
        assertThat(seen).containsExactly(1, 2);
    }

    @Test
    void anEmptyRingHasNothingToPoll() {
        TaskRing ring = new TaskRing(2);

        assertThat(ring.poll(scratch(), (t, d) -> { throw new AssertionError("nothing to run"); })).isEqualTo(TaskRing.EMPTY);
    }

    private static ByteBuffer scratch() {
        return ByteBuffer.allocate(TaskLayout.DESCRIPTOR_LENGTH);
    }

    @Test
    void aTaskThatThrowsStillCountsAndFreesItsSlot() {
        TaskRing ring = new TaskRing(2);
        ring.offer((t, d) -> { });

        assertThatThrownBy(() -> ring.poll(scratch(), (t, d) -> { throw new IllegalStateException("boom"); }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(ring.completed()).isEqualTo(1);
        assertThat(ring.offer((t, d) -> { })).isEqualTo(1);
        assertThat(ring.offer((t, d) -> { })).isEqualTo(2);
    }

    @Test
    void badCapacitiesAndMemoryAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new TaskRing(6)).hasMessageContaining("power of two").hasMessageContaining("6");
        assertThatThrownBy(() -> new TaskRing(ByteBuffer.allocate(TaskLayout.ringLength(4)), 4)).hasMessageContaining("heap buffer");
        assertThatThrownBy(() -> new TaskRing(ByteBuffer.allocateDirect(64), 4)).hasMessageContaining("at least");
        assertThatThrownBy(() -> new TaskRing(4).poll(ByteBuffer.allocate(8), (t, d) -> { })).hasMessageContaining("scratch");
    }

    @Test
    void concurrentProducersAndWorkersRunEveryTaskExactlyOnce() throws Exception {
        int producers = 4;
        int perProducer = 50_000;
        int workers = 2;
        TaskRing ring = new TaskRing(1024);
        AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
        ConcurrentHashMap<Long, Boolean> tickets = new ConcurrentHashMap<>();
        AtomicLong fullResponses = new AtomicLong();

        List<Thread> workerThreads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(new CpuWorker(ring, (ticket, d) -> {
                int producer = d.getInt(0);
                int seq = d.getInt(4);
                runs.incrementAndGet(producer * perProducer + seq);
                assertThat(tickets.putIfAbsent(ticket, Boolean.TRUE)).isNull();
            }));
            t.start();
            workerThreads.add(t);
        }
        CountDownLatch producersDone = new CountDownLatch(producers);
        for (int p = 0; p < producers; p++) {
            int producer = p;
            new Thread(() -> {
                for (int seq = 0; seq < perProducer; seq++) {
                    int s = seq;
                    while (ring.offer((ticket, d) -> d.putInt(0, producer).putInt(4, s)) == TaskRing.FULL) {
                        fullResponses.incrementAndGet();
                        Thread.onSpinWait();
                    }
                }
                producersDone.countDown();
            }).start();
        }

        assertThat(producersDone.await(60, TimeUnit.SECONDS)).isTrue();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> ring.completed() == (long) producers * perProducer);
        ring.requestQuit();
        for (Thread t : workerThreads) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }

        for (int i = 0; i < runs.length(); i++) {
            assertThat(runs.get(i)).as("task %d", i).isEqualTo(1);
        }
        assertThat(tickets).hasSize(producers * perProducer);
        assertThat(ring.submitted()).isEqualTo((long) producers * perProducer);
    }
}
