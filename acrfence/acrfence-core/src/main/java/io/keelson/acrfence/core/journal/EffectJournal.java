package io.keelson.acrfence.core.journal;

import java.util.List;
import java.util.function.Consumer;

/**
 * The append-only, hash-chained effect journal, kept outside every restore domain. Embedded: {@link FileJournal};
 * cluster mode: {@link PostgresJournal} (same contract, same tests).
 */
public interface EffectJournal extends AutoCloseable {

    /**
     * Appends {@code entries} as one atomic batch and returns once it is durable (group commit: concurrent appends
     * share one sync). Either every entry of the batch survives a crash or none does.
     */
    List<JournalRecord> append(List<Entry> entries);

    /**
     * Appends without waiting for durability: for notes whose loss in a crash is safe (the next sync, or close,
     * makes them durable).
     */
    List<JournalRecord> appendDeferred(List<Entry> entries);

    /** Every record in order, as stored (for folding state at start-up and for listing). */
    void replay(Consumer<JournalRecord> sink);

    /** Recomputes the chain over what is stored; names the first record that does not hold. */
    default ChainVerdict verify() {
        long[] count = {0};
        String[] prev = {JournalRecord.GENESIS};
        ChainVerdict.Broken[] broken = {null};
        replay(r -> {
            if (broken[0] != null) {
                return;
            }
            count[0]++;
            if (r.seq() != count[0]) {
                broken[0] = new ChainVerdict.Broken(r.seq(), "record " + count[0] + " carries seq " + r.seq() + " (a record is missing or moved)");
            } else if (!r.prevHash().equals(prev[0])) {
                broken[0] = new ChainVerdict.Broken(r.seq(), "its previous hash does not match record " + (r.seq() - 1));
            } else if (!JournalRecord.hashOf(r.seq(), r.atMillis(), r.prevHash(), r.entry()).equals(r.hash())) {
                broken[0] = new ChainVerdict.Broken(r.seq(), "its contents do not match its hash (it was changed)");
            }
            prev[0] = r.hash();
        });
        return new ChainVerdict(count[0], prev[0], java.util.Optional.ofNullable(broken[0]));
    }

    @Override
    void close();
}
