package io.keelson.agentcgroup.core.replay;

import io.keelson.agentcgroup.core.trace.ResourceSample;
import io.keelson.agentcgroup.core.trace.TaskTrace;
import io.keelson.agentcgroup.core.trace.TraceReader;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Replays a task's memory trace for real: {@code java MemoryReplayer <task dir> <scale> <speed-up>} holds
 * {@code scale × trace memory} in 1 MiB off-heap chunks (every page written, so the kernel really commits
 * them), growing and shrinking at the trace's sample times divided by {@code speed-up}, and freeing chunks at
 * once (not when a GC gets round to it). Run inside a memory-limited cgroup it is killed exactly when the
 * trace does not fit, which is what the simulator predicts and what {@code KernelReplayTest} compares.
 * Prints {@code REPLAYED <peak bytes>} at the end.
 */
public final class MemoryReplayer {

    static final int CHUNK = 1 << 20;
    private static final int PAGE = 4096;

    private final Deque<ByteBuffer> held = new ArrayDeque<>();
    private final Method invokeCleaner;
    private final Object unsafe;

    private MemoryReplayer() throws ReflectiveOperationException {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        unsafe = theUnsafe.get(null);
        invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
    }

    public static void main(String[] args) throws Exception {
        TaskTrace trace = new TraceReader().read(Path.of(args[0]));
        double scale = Double.parseDouble(args[1]);
        double speedUp = Double.parseDouble(args[2]);
        List<ResourceSample> s = trace.samples();
        MemoryReplayer replayer = new MemoryReplayer();
        long start = System.nanoTime();
        long peak = 0;
        for (ResourceSample sample : s) {
            long due = start + (long) ((sample.epoch() - s.get(0).epoch()) / speedUp * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            long target = (long) (sample.memoryBytes() * scale);
            replayer.holdAbout(target);
            peak = Math.max(peak, target);
        }
        System.out.println("REPLAYED " + peak);
    }

    /** Grows or shrinks what is held to {@code bytes}, rounded to whole chunks. */
    private void holdAbout(long bytes) throws ReflectiveOperationException {
        long chunks = (bytes + CHUNK - 1) / CHUNK;
        while (held.size() < chunks) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            for (int i = 0; i < CHUNK; i += PAGE) {
                chunk.put(i, (byte) 1);
            }
            held.push(chunk);
        }
        while (held.size() > chunks) {
            invokeCleaner.invoke(unsafe, held.pop());
        }
    }
}
