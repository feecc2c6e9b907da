package io.keelson.acrfence.core.journal;

import java.util.Optional;

/** The journal's hash chain checked end to end: how many records held, and the first that did not (with why). */
public record ChainVerdict(long records, String headHash, Optional<Broken> firstBroken) {

    public record Broken(long seq, String reason) {
    }

    public boolean intact() {
        return firstBroken.isEmpty();
    }
}
