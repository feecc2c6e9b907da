package io.keelson.wio.core.actor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** The {@code filter} actor's configuration: pass a record whose field {@code key} satisfies {@code op operand}. */
public record Predicate(String key, Op op, String operand) {

    /** The tests the filter knows, with their wire codes. */
    public enum Op {
        EQUALS(1), DIFFERS(2), AT_LEAST(3), BELOW(4), CONTAINS(5);

        final int code;

        Op(int code) {
            this.code = code;
        }
    }

    public Predicate {
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > 256) {
            throw new IllegalArgumentException("key: 1..256 bytes");
        }
        if (operand.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new IllegalArgumentException("operand: at most 1024 bytes");
        }
    }

    public static Predicate of(String key, Op op, String operand) {
        return new Predicate(key, op, operand);
    }

    /** The bytes {@code configure} takes: u8 operator, u16 key length, key, u16 operand length, operand. */
    public byte[] encode() {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = operand.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + k.length + v.length).order(ByteOrder.LITTLE_ENDIAN).put((byte) op.code).putShort((short) k.length).put(k)
                .putShort((short) v.length).put(v).array();
    }
}
