package io.keelson.acrfence.core.journal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.acrfence.core.json.CanonicalJson;

/**
 * One journal record: its position, time, the previous record's hash and its own, which covers all of it (so a
 * changed, removed or reordered record breaks the chain from there on).
 */
public record JournalRecord(long seq, long atMillis, String prevHash, Entry entry, String hash) {

    public static final String GENESIS = "0".repeat(64);

    /** The hash a record with these contents must carry. */
    public static String hashOf(long seq, long atMillis, String prevHash, Entry entry) {
        ObjectNode body = CanonicalJson.mapper().createObjectNode();
        body.put("seq", seq);
        body.put("at", atMillis);
        body.put("prev", prevHash);
        body.set("entry", CanonicalJson.mapper().valueToTree(entry));
        return CanonicalJson.sha256(CanonicalJson.bytes(body));
    }

    public static JournalRecord next(long seq, long atMillis, String prevHash, Entry entry) {
        return new JournalRecord(seq, atMillis, prevHash, entry, hashOf(seq, atMillis, prevHash, entry));
    }
}
