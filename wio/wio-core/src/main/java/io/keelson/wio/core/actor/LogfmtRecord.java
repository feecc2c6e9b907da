package io.keelson.wio.core.actor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The {@code logfmt} actor's output: a u16 field count, then per field a u16-length key and a u16-length value (little-endian). */
public final class LogfmtRecord {

    public record Field(String key, String value) {
    }

    private LogfmtRecord() {
    }

    /**
     * @throws IllegalArgumentException bytes that are not such a record (the message says where)
     */
    public static List<Field> decode(byte[] record) {
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int count = Short.toUnsignedInt(b.getShort());
            List<Field> fields = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                fields.add(new Field(text(b), text(b)));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("logfmt record: " + b.remaining() + " bytes after its last field");
            }
            return fields;
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("logfmt record: cut at byte " + b.position());
        }
    }

    private static String text(ByteBuffer b) {
        byte[] bytes = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
