package io.keelson.acrfence.core.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.keelson.acrfence.core.downstream.ApprovalService;
import io.keelson.acrfence.core.downstream.DemoTools;
import io.keelson.acrfence.core.fence.Fence;
import io.keelson.acrfence.core.fence.Invocation;
import io.keelson.acrfence.core.fence.Outcome;
import io.keelson.acrfence.core.journal.EffectStatus;
import io.keelson.acrfence.core.journal.Entry;
import io.keelson.acrfence.core.journal.FileJournal;
import io.keelson.acrfence.core.json.CanonicalJson;
import io.keelson.acrfence.core.tool.EffectClass;
import io.keelson.acrfence.core.tool.ToolEndpoint;
import io.keelson.acrfence.core.tool.ToolRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 6's benchmark, baseline and fence in the same run, on the embedded store (the journal synced to this
 * disk): (a) added latency per call versus calling the tool directly, read-only and irreversible, p50/p99;
 * (b) committed effects per second with concurrent agents (group commit); (c) the decision after a restore with
 * 10^6 journaled effects in the shadow. Outputs are checked (every effect happened once). Run with
 * {@code ./keelson bench acrfence [DIR]}; DIR (default target/) must be on the disk being measured.
 */
public final class FenceBenchmark {

    private static final byte[] SECRET = "bench".getBytes();

    private FenceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target"));
        latency("file", journalIn(Files.createTempDirectory(base, "fence-latency")));
        for (int agents : new int[] {1, 4, 16, 64}) {
            throughput("file", journalIn(Files.createTempDirectory(base, "fence-throughput")), agents);
        }
        if (System.getenv("KEELSON_TEST_PG_URL") != null) { // the PostgreSQL store too, where ./keelson bench started a server
            latency("postgresql", postgres());
            for (int agents : new int[] {1, 4, 16, 64}) {
                throughput("postgresql", postgres(), agents);
            }
        }
        restorePath(Files.createTempDirectory(base, "fence-restore"), 1_000_000);
    }

    private static java.util.function.Supplier<io.keelson.acrfence.core.journal.EffectJournal> journalIn(Path dir) {
        return () -> FileJournal.open(dir, Clock.systemUTC());
    }

    /** A journal in a fresh schema of the PostgreSQL server named by KEELSON_TEST_PG_URL. */
    private static java.util.function.Supplier<io.keelson.acrfence.core.journal.EffectJournal> postgres() {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(System.getenv("KEELSON_TEST_PG_URL"));
        ds.setUser(System.getenv().getOrDefault("KEELSON_TEST_PG_USER", "keelson"));
        String schema = "bench_" + Long.toHexString(System.nanoTime());
        ds.setCurrentSchema(schema);
        return () -> io.keelson.acrfence.core.journal.PostgresJournal.open(ds, schema, Clock.systemUTC());
    }

    private static String transfer(int i) {
        return "{\"to\":\"payee-" + i + "\",\"amount\":" + (1 + i % 1000) + ",\"reference\":\"r" + i + "\"}";
    }

    private static void latency(String store, java.util.function.Supplier<io.keelson.acrfence.core.journal.EffectJournal> journal) {
        DemoTools demo = new DemoTools(ApprovalService.Validation.STATEFUL);
        ToolRegistry tools = demo.registerIn(new ToolRegistry());
        ToolEndpoint bank = tools.get("transfer").orElseThrow().endpoint();
        ToolEndpoint balance = tools.get("balance").orElseThrow().endpoint();
        int warm = 3_000;
        int n = 10_000;
        try (Fence fence = new Fence(journal.get(), tools, SECRET)) {
            String branch = fence.openRun("bench").branch();
            long[] direct = new long[n];
            long[] fenced = new long[n];
            long[] readDirect = new long[n];
            long[] readFenced = new long[n];
            JsonNode account = CanonicalJson.parse("{\"account\":\"a\"}");
            for (int round = 0; round < 2; round++) { // the first round warms up
                int count = round == 0 ? warm : n;
                int offset = round == 0 ? 0 : warm;
                for (int i = 0; i < count; i++) {
                    int id = offset + i;
                    // the baseline: the same service call, as an agent framework makes it (parsing its JSON included)
                    long t0 = System.nanoTime();
                    bank.invoke(CanonicalJson.parse(transfer(2 * id)), "k" + id);
                    long t1 = System.nanoTime();
                    Outcome o = fence.invoke(new Invocation("bench", branch, "transfer", transfer(2 * id + 1), Optional.empty()));
                    long t2 = System.nanoTime();
                    balance.invoke(CanonicalJson.parse("{\"account\":\"a\"}"), "x");
                    long t3 = System.nanoTime();
                    fence.invoke(new Invocation("bench", branch, "balance", "{\"account\":\"a\"}", Optional.empty()));
                    long t4 = System.nanoTime();
                    if (!(o instanceof Outcome.Executed)) {
                        throw new IllegalStateException("call " + id + " was " + o);
                    }
                    if (round == 1) {
                        direct[i] = t1 - t0;
                        fenced[i] = t2 - t1;
                        readDirect[i] = t3 - t2;
                        readFenced[i] = t4 - t3;
                    }
                }
            }
            check(demo.bank.transfers().size() == 2 * (warm + n), "every call once at the bank: " + demo.bank.transfers().size());
            check(fence.effects("bench", Optional.empty()).stream().allMatch(e -> e.status() == EffectStatus.COMMITTED), "every effect committed");
            report(store + ", irreversible (journaled: PENDING and COMMITTED durable)", direct, fenced, "p50 <= 300 us, p99 <= 2 ms added");
            report(store + ", read-only (passed through)", readDirect, readFenced, "<= 50 us added");
            check(account.isObject(), "");
        }
    }

    private static void report(String what, long[] direct, long[] fenced, String target) {
        Arrays.sort(direct);
        Arrays.sort(fenced);
        double d50 = direct[direct.length / 2] / 1e3;
        double d99 = direct[(int) (direct.length * 0.99)] / 1e3;
        double f50 = fenced[fenced.length / 2] / 1e3;
        double f99 = fenced[(int) (fenced.length * 0.99)] / 1e3;
        System.out.printf(Locale.ROOT, "(a) %s, %d calls: direct p50 %.1f us p99 %.1f us; fenced p50 %.1f us p99 %.1f us; added p50 %.1f us p99 %.1f us"
                + " (target %s)%n", what, direct.length, d50, d99, f50, f99, f50 - d50, f99 - d99, target);
    }

    private static void throughput(String store, java.util.function.Supplier<io.keelson.acrfence.core.journal.EffectJournal> journal, int agents)
            throws Exception {
        DemoTools demo = new DemoTools(ApprovalService.Validation.STATEFUL);
        ToolRegistry tools = demo.registerIn(new ToolRegistry());
        try (Fence fence = new Fence(journal.get(), tools, SECRET)) {
            AtomicLong committed = new AtomicLong();
            long seconds = 3;
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            CountDownLatch done = new CountDownLatch(agents);
            List<Thread> threads = new ArrayList<>();
            for (int a = 0; a < agents; a++) {
                String run = "agent-" + a;
                String branch = fence.openRun(run).branch();
                int agent = a;
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; System.nanoTime() < end; i++) {
                            Outcome o = fence.invoke(new Invocation(run, branch, "transfer", transfer(agent * 10_000_000 + i), Optional.empty()));
                            if (o instanceof Outcome.Executed) {
                                committed.incrementAndGet();
                            }
                        }
                    } finally {
                        done.countDown();
                    }
                });
                threads.add(t);
                t.start();
            }
            done.await();
            check(demo.bank.transfers().size() == committed.get(), "bank saw " + demo.bank.transfers().size() + " for " + committed.get() + " committed");
            check(fence.verify().intact(), "chain intact");
            System.out.printf(Locale.ROOT, "(b) " + store + ", %d concurrent agents: %d committed effects in %d s = %.0f effects/s (target >= 5000 on 2 cores)%n", agents,
                    committed.get(), seconds, committed.get() / (double) seconds);
        }
    }

    private static void restorePath(Path dir, int effects) {
        DemoTools demo = new DemoTools(ApprovalService.Validation.STATEFUL);
        ToolRegistry tools = demo.registerIn(new ToolRegistry());
        long built = System.nanoTime();
        String checkpoint;
        try (Fence fence = new Fence(FileJournal.open(dir, Clock.systemUTC()), tools, SECRET)) {
            fence.openRun("big");
            checkpoint = fence.checkpoint("big", "b1");
        }
        // 10^6 committed, answered effects written straight into the journal in batches (as 10^6 calls would leave them)
        try (FileJournal journal = FileJournal.open(dir, Clock.systemUTC())) {
            var schema = tools.get("transfer").orElseThrow().schema();
            List<Entry> batch = new ArrayList<>();
            for (int i = 0; i < effects; i++) {
                String id = "e" + i;
                String args = transfer(i);
                batch.add(new Entry.EffectIssued(id, "big", "b1", i, "transfer", 1, EffectClass.IRREVERSIBLE, schema.intentKey(CanonicalJson.parse(args)),
                        args, "k" + i, ""));
                batch.add(new Entry.EffectUpdated(id, EffectStatus.COMMITTED, "{\"transfer\":\"t" + i + "\"}", ""));
                batch.add(new Entry.EffectAnswered(id, "big", "b1"));
                if (batch.size() >= 3_000) {
                    journal.append(batch);
                    batch.clear();
                }
            }
            journal.append(batch);
        }
        double buildSeconds = (System.nanoTime() - built) / 1e9;
        long opened = System.nanoTime();
        try (Fence fence = new Fence(FileJournal.open(dir, Clock.systemUTC()), tools, SECRET)) {
            double foldSeconds = (System.nanoTime() - opened) / 1e9;
            long restoring = System.nanoTime();
            String branch = fence.restore("big", checkpoint).branch();
            double restoreMillis = (System.nanoTime() - restoring) / 1e6;
            int n = 2_000;
            long[] replay = new long[n];
            long[] fresh = new long[n];
            List<Integer> targets = new ArrayList<>();
            new java.util.Random(6).ints(0, effects).distinct().limit(n).forEach(targets::add); // each re-issued once: a second time is new
            for (int i = 0; i < n; i++) {
                int target = targets.get(i);
                String reissued = transfer(target).replace("\"r" + target + "\"", "\"again-" + i + "\"");
                long t0 = System.nanoTime();
                Outcome o = fence.invoke(new Invocation("big", branch, "transfer", reissued, Optional.empty()));
                replay[i] = System.nanoTime() - t0;
                check(o instanceof Outcome.Replayed r && r.effectId().equals("e" + target), "re-issued " + target + " was " + o);
            }
            check(demo.bank.transfers().isEmpty(), "nothing re-executed");
            for (int i = 0; i < n; i++) { // a read of a tool with no shadow effects: the decision path without a journal write
                long t0 = System.nanoTime();
                fence.invoke(new Invocation("big", branch, "balance", "{\"account\":\"a" + i + "\"}", Optional.empty()));
                fresh[i] = System.nanoTime() - t0;
            }
            Arrays.sort(replay);
            System.out.printf(Locale.ROOT, "(c) %d journaled effects (written in %.1f s): start-up fold %.1f s, restore (shadow of %d) %.0f ms;"
                    + " replay decision after restore p50 %.1f us p99 %.1f us (includes syncing the decision record; target p99 <= 5 ms)%n",
                    effects, buildSeconds, foldSeconds, fence.branch("big", branch).shadow().size() + n, restoreMillis, replay[n / 2] / 1e3,
                    replay[(int) (n * 0.99)] / 1e3);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark output check failed: " + what);
        }
    }
}
