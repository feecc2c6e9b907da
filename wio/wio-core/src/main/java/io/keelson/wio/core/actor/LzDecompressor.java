package io.keelson.wio.core.actor;

import java.io.ByteArrayOutputStream;

/**
 * Decompresses what the {@code lz} actor wrote, record by record, keeping the same 64 KiB of stream history (a match
 * may reach into earlier records). Feed it the records in the order the actor compressed them.
 */
public final class LzDecompressor {

    private static final int HISTORY = 1 << 17;
    private static final int MASK = HISTORY - 1;

    private final byte[] history = new byte[HISTORY];
    private long position;

    /**
     * @throws IllegalArgumentException a damaged record (a token that runs past its end, or a match before the stream)
     */
    public byte[] decompress(byte[] record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(record.length * 3);
        int i = 0;
        while (i < record.length) {
            int token = record[i++] & 0xFF;
            if (token < 0x80) {
                int run = token + 1;
                if (i + run > record.length) {
                    throw new IllegalArgumentException("lz: a literal run of " + run + " bytes past the record's end at byte " + (i - 1));
                }
                for (int k = 0; k < run; k++) {
                    emit(out, record[i++]);
                }
            } else {
                if (i + 2 > record.length) {
                    throw new IllegalArgumentException("lz: a match without its distance at byte " + (i - 1));
                }
                int length = (token & 0x7F) + 4;
                int distance = ((record[i] & 0xFF) | (record[i + 1] & 0xFF) << 8) + 1;
                i += 2;
                if (distance > position) {
                    throw new IllegalArgumentException("lz: a match " + distance + " bytes back, before the stream's start");
                }
                long from = position - distance;
                for (int k = 0; k < length; k++) {
                    emit(out, history[(int) ((from + k) & MASK)]);
                }
            }
        }
        return out.toByteArray();
    }

    private void emit(ByteArrayOutputStream out, byte b) {
        history[(int) (position & MASK)] = b;
        position++;
        out.write(b);
    }
}
