package io.keelson.gpuos.core.operator;

import io.keelson.gpuos.core.queue.CpuWorker;
import io.keelson.gpuos.core.queue.TaskRing;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class OperatorTableTest {

    @Test
    void tasksKeepTheVersionTheyWereBoundToAndSlotsAreReusedOnlyWhenDrained() {
        OperatorTable<String> table = new OperatorTable<>();
        int add = table.define("add", "add-v1");
        OperatorTable.Binding early = table.bind(add);

        assertThat(table.install(add, "add-v2")).isEqualTo(new OperatorTable.Change.Activated(add, 2));
        OperatorTable.Binding late = table.bind(add);

        assertThat(table.resolve(early)).contains("add-v1");
        assertThat(table.resolve(late)).contains("add-v2");
        assertThat(table.install(add, "add-v3")).isInstanceOf(OperatorTable.Change.Refused.class)
                .extracting(c -> ((OperatorTable.Change.Refused) c).reason()).asString()
                .contains("version 1 of add still has 1 tasks in flight");

        table.release(early);
        assertThat(table.install(add, "add-v3")).isEqualTo(new OperatorTable.Change.Activated(add, 3));
        assertThat(table.resolve(late)).as("v2 now sits in the idle slot, still serving its task").contains("add-v2");
    }

    @Test
    void rollbackReactivatesThePreviousVersionInOneCall() {
        OperatorTable<String> table = new OperatorTable<>();
        int relu = table.define("relu", "relu-v1");
        assertThat(table.rollback(relu)).isInstanceOf(OperatorTable.Change.Refused.class);

        table.install(relu, "relu-v2");
        assertThat(table.rollback(relu)).isEqualTo(new OperatorTable.Change.Activated(relu, 1));
        assertThat(table.resolve(table.bind(relu))).contains("relu-v1");
        assertThat(table.activeEpoch(relu)).isEqualTo(1);
    }

    @Test
    void misuseIsAnErrorNamingTheProblem() {
        OperatorTable<String> table = new OperatorTable<>();
        int op = table.define("mul", "mul-v1");
        OperatorTable.Binding b = table.bind(op);
        table.release(b);

        assertThatThrownBy(() -> table.bind(7)).hasMessageContaining("unknown operator 7");
        assertThatThrownBy(() -> table.release(b)).hasMessageContaining("released more often than bound");
    }

    @Test
    void hotSwapWhileAHundredThousandTasksAreInFlightRunsEachOnceOnItsBoundVersion() throws Exception {
        int tasks = 100_000;
        OperatorTable<Object> table = new OperatorTable<>();
        Map<Long, Object> installed = new ConcurrentHashMap<>();
        Object first = new Object();
        int op = table.define("scale", first);
        installed.put(1L, first);

        TaskRing ring = new TaskRing(4096);
        AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
        AtomicLong wrongVersion = new AtomicLong();
        CpuWorker.Task run = (ticket, d) -> {
            OperatorTable.Binding binding = new OperatorTable.Binding(d.getInt(0), d.getLong(8));
            Object operator = table.resolve(binding).orElseThrow();
            if (operator != installed.get(binding.epoch())) {
                wrongVersion.incrementAndGet();
            }
            runs.incrementAndGet(d.getInt(4));
            table.release(binding);
        };
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Thread t = new Thread(new CpuWorker(ring, run));
            t.start();
            workers.add(t);
        }
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong swaps = new AtomicLong();
        Thread swapper = new Thread(() -> {
            while (producing.get()) {
                Object next = new Object();
                // the epoch is known only once installed; record it before any task can bind to it
                synchronized (installed) {
                    OperatorTable.Change change = table.install(op, next);
                    if (change instanceof OperatorTable.Change.Activated a) {
                        installed.put(a.epoch(), next);
                        swaps.incrementAndGet();
                    }
                }
                Thread.onSpinWait();
            }
        });
        swapper.start();

        CountDownLatch produced = new CountDownLatch(1);
        new Thread(() -> {
            for (int i = 0; i < tasks; i++) {
                int id = i;
                OperatorTable.Binding binding;
                synchronized (installed) {
                    binding = table.bind(op);
                }
                while (ring.offer((t, d) -> d.putInt(0, binding.logical()).putInt(4, id).putLong(8, binding.epoch())) == TaskRing.FULL) {
                    Thread.onSpinWait();
                }
            }
            produced.countDown();
        }).start();

        assertThat(produced.await(120, TimeUnit.SECONDS)).isTrue();
        producing.set(false);
        swapper.join();
        await().atMost(Duration.ofSeconds(60)).until(() -> ring.completed() == tasks);
        ring.requestQuit();
        for (Thread t : workers) {
            t.join(10_000);
        }

        for (int i = 0; i < tasks; i++) {
            assertThat(runs.get(i)).as("task %d", i).isEqualTo(1);
        }
        assertThat(wrongVersion.get()).isZero();
        assertThat(swaps.get()).as("versions switched while tasks were in flight").isGreaterThan(2);
    }
}
