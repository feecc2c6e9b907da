package io.keelson.wio.core.bench;

import io.keelson.wio.core.actor.ActorInstance;
import io.keelson.wio.core.actor.ActorModule;
import io.keelson.wio.core.actor.Actors;
import io.keelson.wio.core.actor.CallLimit;
import io.keelson.wio.core.actor.Predicate;
import io.keelson.wio.core.migrate.ActorExecutor;
import io.keelson.wio.core.migrate.CopyMigration;
import io.keelson.wio.core.migrate.DrainAndSwitch;
import io.keelson.wio.core.region.ActorSlot;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.region.CxlRegion;
import io.keelson.wio.core.region.SlotLayout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 9's real measurements on this machine: (1) each actor's throughput compiled vs interpreted; (2) the pause and
 * the bytes moved of a migration, drain-and-switch against the copy-based baseline, with host and device executors
 * as two threads, the lz actor (its 7 pages of memory: window and match index) running a log stream, and the
 * outputs of both checked against a run without migration. Run with {@code ./keelson bench wio}.
 */
public final class MigrationBenchmark {

    private static final int MIGRATIONS = Integer.getInteger("migrations", 5_000);

    private MigrationBenchmark() {
    }

    static List<byte[]> logLines(int n, long seed) {
        Random random = new Random(seed);
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(("ts=" + (1_700_000_000 + i) + " level=" + (random.nextInt(10) == 0 ? "error" : "info") + " svc=s" + random.nextInt(8) + " user=u"
                    + random.nextInt(500) + " msg=\"served " + random.nextInt(100) + "\" latency_ms=" + random.nextInt(2000)).getBytes(StandardCharsets.UTF_8));
        }
        return lines;
    }

    public static void main(String[] args) throws Exception {
        try (CallLimit limit = new CallLimit(Duration.ofSeconds(10))) {
            throughput(limit);
            pauses(limit);
        }
    }

    private static void throughput(CallLimit limit) {
        List<byte[]> lines = logLines(20_000, 1);
        System.out.println("Actor throughput, one thread (MB/s of input; the same records, compiled vs interpreted):");
        System.out.println("| actor | compiled MB/s | interpreted MB/s | compiled / interpreted |");
        System.out.println("|---|---:|---:|---:|");
        for (String name : Actors.BUNDLED) {
            double[] rates = new double[2];
            for (ActorModule.Execution execution : ActorModule.Execution.values()) {
                try (CxlRegion region = CxlRegion.inProcess(SlotLayout.standard(), 2)) {
                    List<byte[]> input = lines;
                    ActorInstance actor = Actors.load(name, execution).instantiate(region.slot(0), limit);
                    actor.init();
                    if (name.equals(Actors.FILTER)) {
                        actor.configure(Predicate.of("latency_ms", Predicate.Op.AT_LEAST, "1000").encode());
                        ActorInstance logfmt = Actors.load(Actors.LOGFMT, ActorModule.Execution.COMPILED).instantiate(region.slot(1), limit);
                        logfmt.init();
                        input = lines.stream().map(l -> ((ActorInstance.Output) logfmt.process(l)).bytes()).toList();
                    }
                    int passes = execution == ActorModule.Execution.COMPILED ? 20 : 2;
                    long bytes = 0;
                    long best = Long.MAX_VALUE;
                    for (int p = 0; p < passes; p++) {
                        long t0 = System.nanoTime();
                        for (byte[] r : input) {
                            actor.process(r);
                        }
                        best = Math.min(best, System.nanoTime() - t0);
                        bytes = input.stream().mapToLong(r -> r.length).sum();
                    }
                    rates[execution.ordinal()] = bytes / (best / 1e9) / 1e6;
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.2f | %.0fx |%n", name, rates[0], rates[1], rates[0] / rates[1]);
        }
        System.out.println();
    }

    /** One side's thread: runs whichever executor is its side's, a record at a time, and rests when it has nothing to do. */
    private static Thread side(List<ActorExecutor> executors, AtomicBoolean done) {
        Thread t = new Thread(() -> {
            while (!done.get()) {
                boolean ran = false;
                for (ActorExecutor e : executors) {
                    ran |= e.run(1) == ActorExecutor.Stop.BUDGET;
                }
                if (!ran) {
                    LockSupport.parkNanos(5_000);
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void pauses(CallLimit limit) throws Exception {
        List<byte[]> lines = logLines(200_000, 2);
        ActorModule lz = Actors.load(Actors.LZ, ActorModule.Execution.COMPILED);
        Map<Long, String> reference = new ConcurrentHashMap<>();
        try (CxlRegion region = CxlRegion.inProcess(SlotLayout.standard(), 1)) {
            ActorSlot slot = region.slot(0);
            ActorInstance alone = lz.instantiate(slot, limit);
            alone.init();
            for (int i = 0; i < lines.size(); i++) {
                reference.put((long) i, HexFormat.of().formatHex(((ActorInstance.Output) alone.process(lines.get(i))).bytes()));
            }
        }
        System.out.printf(Locale.ROOT, "Migration pause (request until the destination owns the actor) and bytes moved, lz actor, %d migrations each, "
                + "host and device executors as two threads on %d cores:%n", MIGRATIONS, Runtime.getRuntime().availableProcessors());
        System.out.println("| migration | pause p50 | pause p99 | pause max | bytes moved per migration | records | outputs as without migration |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|");
        for (boolean copy : new boolean[] {false, true}) {
            try (CxlRegion region = CxlRegion.inProcess(SlotLayout.standard(), 2)) {
                Map<Long, String> seen = new ConcurrentHashMap<>();
                ActorExecutor.Sink sink = (seq, o) -> seen.put(seq, HexFormat.of().formatHex(((ActorInstance.Output) o).bytes()));
                ActorSlot a = region.slot(0);
                ActorSlot b = copy ? region.slot(1) : a;
                ActorInstance first = lz.instantiate(a, limit);
                first.init();
                ActorExecutor host = new ActorExecutor(ControlBlock.Side.HOST, first, sink);
                ActorExecutor device = new ActorExecutor(ControlBlock.Side.DEVICE, lz.instantiate(b, limit), sink);
                a.control().owner(ControlBlock.Side.HOST);
                a.control().state(ControlBlock.State.RUNNING);
                AtomicBoolean done = new AtomicBoolean();
                List<Thread> threads = List.of(side(List.of(host), done), side(List.of(device), done));
                long[] pauses = new long[MIGRATIONS];
                long moved = 0;
                int next = 0;
                Random random = new Random(3);
                ActorSlot current = a;
                for (int m = 0; m < MIGRATIONS; m++) {
                    while (next < lines.size() && current.ring().depthBytes() < 64 * 1024 && current.ring().offer(lines.get(next))) {
                        next++;
                    }
                    LockSupport.parkNanos(50_000 + random.nextInt(100_000));
                    ControlBlock.Side to = current.control().owner() == ControlBlock.Side.HOST ? ControlBlock.Side.DEVICE : ControlBlock.Side.HOST;
                    long t0 = System.nanoTime();
                    long epoch = DrainAndSwitch.request(current.control());
                    if (copy) {
                        while (current.control().drainedEpoch() != epoch) {
                            Thread.onSpinWait();
                        }
                        ActorSlot target = current == a ? b : a;
                        moved += CopyMigration.copy(current, target, to);
                        current = target;
                    } else {
                        while (!DrainAndSwitch.tryTakeOver(current.control(), to, epoch)) {
                            Thread.onSpinWait();
                        }
                        moved += ControlBlock.SWITCH_BYTES;
                    }
                    pauses[m] = System.nanoTime() - t0;
                }
                while (next < lines.size()) {
                    if (!current.ring().offer(lines.get(next))) {
                        LockSupport.parkNanos(100_000);
                    } else {
                        next++;
                    }
                }
                while (seen.size() < lines.size()) {
                    LockSupport.parkNanos(1_000_000);
                }
                done.set(true);
                for (Thread t : threads) {
                    t.join(10_000);
                }
                Arrays.sort(pauses);
                System.out.printf(Locale.ROOT, "| %s | %.1f µs | %.1f µs | %.1f µs | %,d | %,d | %s |%n", copy ? "copy (snapshot, copy, restore)" : "drain-and-switch",
                        pauses[MIGRATIONS / 2] / 1e3, pauses[(int) Math.ceil(MIGRATIONS * 0.99) - 1] / 1e3, pauses[MIGRATIONS - 1] / 1e3,
                        moved / MIGRATIONS, seen.size(), seen.equals(reference) ? "yes" : "NO");
                if (!seen.equals(reference)) {
                    throw new AssertionError("outputs differ from the run without migration");
                }
            }
        }
    }
}
