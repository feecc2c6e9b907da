package io.keelson.acrfence.core.attack;

import io.keelson.acrfence.core.downstream.ApprovalService;
import io.keelson.acrfence.core.fence.Boundary;
import io.keelson.acrfence.core.fence.Fence;
import io.keelson.acrfence.core.fence.Invocation;
import io.keelson.acrfence.core.fence.Outcome;
import io.keelson.acrfence.core.journal.EffectStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Crash-at-every-point (issue 6, deliverable 7): a seeded agent makes a few distinct payments through the gateway,
 * checkpointing before each; the gateway is killed at random persistence boundaries (or with its last journal
 * write torn), restarted from its journal, and the agent either retries (it never got an answer) or is restored to a
 * checkpoint and re-issues what came after, each time with fresh request ids. The checker then demands exactly
 * one real transfer per intended payment, every answer the agent got still committed in the journal, and an intact
 * hash chain.
 */
public final class CrashHarness {

    /** One run: what was done to it and what the checker found wrong (nothing, when it holds). */
    public record Report(long seed, int payments, int crashes, int restores, int transfers, List<String> violations) {
    }

    private static final Boundary[] POINTS = Boundary.values();

    private CrashHarness() {
    }

    public static Report run(long seed, Path scratch) {
        try {
            Path dir = Files.createTempDirectory(scratch, "crash-" + seed + "-");
            return run(seed, new Testbed(dir, ApprovalService.Validation.STATEFUL));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One run on {@code testbed} (closed after); where its journal cannot be torn, a torn-tail crash is a plain one. */
    public static Report run(long seed, Testbed testbed) {
        Random random = new Random(seed);
        List<String> violations = new ArrayList<>();
        int crashes = 0;
        int restores = 0;
        try (Testbed bed = testbed) {
            String branch = bed.fence().openRun("run").branch();
            int n = 2 + random.nextInt(4);
            List<String> payments = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                payments.add("{\"to\":\"payee-" + i + "\",\"amount\":" + (10 + i) + ",\"reference\":\"");
            }
            List<String> checkpointIds = new ArrayList<>(); // checkpointIds[i]: taken before payment i
            Map<String, String> acknowledged = new HashMap<>(); // effect id -> result the agent was given
            int next = 0;
            int fresh = 0;
            for (int step = 0; step < 200 && next < n; step++) {
                if (checkpointIds.size() == next) {
                    checkpointIds.add(bed.fence().checkpoint("run", branch));
                }
                boolean crash = random.nextDouble() < 0.35;
                int point = random.nextInt(POINTS.length + 1); // the extra one: PENDING written, then torn
                if (crash) {
                    bed.crashNextAt(point == POINTS.length ? Boundary.AFTER_PENDING : POINTS[point]);
                }
                Outcome outcome;
                try {
                    outcome = bed.fence().invoke(new Invocation("run", branch, "transfer", payments.get(next) + "r" + (++fresh) + "\"}", Optional.empty()));
                    bed.disarm();
                } catch (Testbed.Crash c) {
                    crashes++;
                    if (point == POINTS.length && bed.tearable()) {
                        bed.restartWithTornTail(1 + random.nextInt(40));
                    } else {
                        bed.restart();
                    }
                    if (random.nextBoolean()) { // the agent's context is restored too: to the last checkpoint, or an earlier one
                        int back = random.nextInt(4) == 0 ? random.nextInt(next + 1) : next;
                        branch = bed.fence().restore("run", checkpointIds.get(back)).branch();
                        checkpointIds.subList(back + 1, checkpointIds.size()).clear();
                        next = back;
                        restores++;
                    }
                    continue;
                }
                if (outcome instanceof Outcome.Executed e) {
                    acknowledged.put(e.effectId(), e.result());
                } else if (outcome instanceof Outcome.Replayed r) {
                    acknowledged.put(r.effectId(), r.result());
                } else {
                    violations.add("payment " + next + " got " + outcome);
                    break;
                }
                next++;
            }
            if (next < n && violations.isEmpty()) {
                violations.add("the agent did not finish its " + n + " payments in 200 steps");
            }
            bed.restart();
            Fence fence = bed.fence();
            Map<String, Integer> perPayee = new HashMap<>();
            bed.bank.transfers().forEach(t -> perPayee.merge(t.to(), 1, Integer::sum));
            for (int i = 0; i < n; i++) {
                int count = perPayee.getOrDefault("payee-" + i, 0);
                if (count != 1) {
                    violations.add("payment to payee-" + i + " happened " + count + " times");
                }
            }
            Map<String, Fence.EffectView> effects = new HashMap<>();
            fence.effects("run", Optional.empty()).forEach(e -> effects.put(e.effectId(), e));
            acknowledged.forEach((id, result) -> {
                Fence.EffectView e = effects.get(id);
                if (e == null || e.status() != EffectStatus.COMMITTED || !e.result().equals(result)) {
                    violations.add("acknowledged effect " + id + " is " + (e == null ? "gone" : e.status() + " " + e.result()) + " in the journal");
                }
            });
            if (!fence.verify().intact()) {
                violations.add("hash chain broken: " + fence.verify().firstBroken());
            }
            return new Report(seed, n, crashes, restores, bed.bank.transfers().size(), violations);
        }
    }

    /** {@code CrashHarness RUNS [DIR]}: runs seeds 1..RUNS and prints the totals (the benchmark's entry point). */
    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path scratch = Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir")), "acrfence-crash");
        long started = System.nanoTime();
        int crashes = 0;
        int payments = 0;
        int failed = 0;
        for (long seed = 1; seed <= runs; seed++) {
            Report r = run(seed, scratch);
            crashes += r.crashes();
            payments += r.payments();
            if (!r.violations().isEmpty()) {
                failed++;
                System.out.println("seed " + seed + ": " + r.violations());
            }
        }
        System.out.printf("crash harness: %d runs, %d payments, %d gateway crashes, %d runs with a violation, %.1f s%n", runs, payments, crashes, failed,
                (System.nanoTime() - started) / 1e9);
    }
}
