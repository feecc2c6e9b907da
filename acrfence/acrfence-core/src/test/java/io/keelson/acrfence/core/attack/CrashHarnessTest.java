package io.keelson.acrfence.core.attack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 seeded runs of the crash harness: gateway kills at every persistence boundary (and torn journal tails),
 * restarts, retries and restores; exactly one real effect per intended payment, no acknowledged record lost.
 * The journals live in /dev/shm where there is one: the harness checks the fence's logic (a killed process
 * loses no written byte); the journal's own durability is {@code FileJournalTest}'s.
 */
class CrashHarnessTest {

    @TempDir
    Path temp;

    @Test
    void exactlyOneEffectPerIntentAcrossTenThousandCrashingRuns() throws Exception {
        Path shm = Path.of("/dev/shm");
        Path scratch = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "acrfence-harness") : temp;
        List<String> failures = new ArrayList<>();
        int crashes = 0;
        int restores = 0;
        try {
            for (long seed = 1; seed <= 10_000; seed++) {
                CrashHarness.Report r = CrashHarness.run(seed, scratch);
                crashes += r.crashes();
                restores += r.restores();
                if (!r.violations().isEmpty()) {
                    failures.add("seed " + seed + ": " + r.violations());
                }
            }
        } finally {
            if (!scratch.equals(temp)) {
                try (var files = Files.walk(scratch)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        assertThat(failures).as("runs with a duplicate, a lost effect or a broken chain").isEmpty();
        assertThat(crashes).as("crashes injected").isGreaterThan(10_000);
        assertThat(restores).as("restores after crashes").isGreaterThan(5_000);
    }

    @Test
    void theSameHoldsOnThePostgresJournal() {
        List<String> failures = new ArrayList<>();
        int crashes = 0;
        for (long seed = 1; seed <= 50; seed++) { // each run migrates a schema of its own: slower than a file
            CrashHarness.Report r = CrashHarness.run(seed, new Testbed(io.keelson.acrfence.core.testing.JournalStore.POSTGRES.fresh(temp),
                    io.keelson.acrfence.core.downstream.ApprovalService.Validation.STATEFUL));
            crashes += r.crashes();
            if (!r.violations().isEmpty()) {
                failures.add("seed " + seed + ": " + r.violations());
            }
        }
        assertThat(failures).isEmpty();
        assertThat(crashes).isGreaterThan(50);
    }
}
