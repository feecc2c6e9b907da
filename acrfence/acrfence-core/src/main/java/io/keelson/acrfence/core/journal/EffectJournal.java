package io.keelson.acrfence.core.journal;

import java.util.List;
import java.util.function.Consumer;

/**
 * The append-only, hash-chained effect journal, kept outside every restore domain. Embedded: {@link FileJournal};
 * cluster mode: PostgreSQL (same contract, same tests).
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
    ChainVerdict verify();

    @Override
    void close();
}
