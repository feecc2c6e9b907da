package io.keelson.acrfence.core.journal;

import io.keelson.acrfence.core.tool.EffectClass;

import java.util.ArrayList;
import java.util.List;

/** Records the journal tests write, and a way to read them all back. */
final class JournalFixtures {

    private JournalFixtures() {
    }

    static Entry effect(int i) {
        return new Entry.EffectIssued("e" + i, "run", "b1", i, "transfer", 1, EffectClass.IRREVERSIBLE, "k" + i, "{\"amount\":" + i + "}", "key" + i, "");
    }

    static List<JournalRecord> all(EffectJournal j) {
        List<JournalRecord> out = new ArrayList<>();
        j.replay(out::add);
        return out;
    }
}
