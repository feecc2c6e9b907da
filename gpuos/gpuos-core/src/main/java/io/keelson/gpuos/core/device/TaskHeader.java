package io.keelson.gpuos.core.device;

import java.nio.ByteBuffer;

/**
 * The start of every ring descriptor: one launch inline, or a batch of launches in a separate block
 * (GPUOS's {@code op_batch}: one queue entry, many operators run in order by one worker).
 * <pre>
 *   0 int kind   4 int launch count   8 long batch block reference   16 inline launch ({@link LaunchCodec})
 * </pre>
 */
public final class TaskHeader {

    public static final int SINGLE = 1;
    public static final int BATCH = 2;
    public static final int INLINE_LAUNCH = 16;

    private TaskHeader() {
    }

    public static void write(ByteBuffer to, int kind, int count, long batchReference) {
        to.putInt(0, kind);
        to.putInt(4, count);
        to.putLong(8, batchReference);
    }

    public static int kind(ByteBuffer from) {
        return from.getInt(0);
    }

    public static int count(ByteBuffer from) {
        return from.getInt(4);
    }

    public static long batchReference(ByteBuffer from) {
        return from.getLong(8);
    }
}
