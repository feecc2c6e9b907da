package io.keelson.gpuos.core.frontend;

import io.keelson.gpuos.core.device.Device;
import io.keelson.gpuos.core.ir.Expr;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.ir.ReduceKind;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The batching frontend over one device: {@code GpuOs.on(device).session()} records tensor operations
 * lazily; {@link Session#flush} fuses element-wise chains into run-time operators and submits the whole
 * recording as one task. Fused operators are compiled once per distinct body and cached by their
 * canonical text, so steady-state flushes compile nothing; compile time is counted apart
 * ({@link #compileNanos}).
 */
public final class GpuOs {

    private final Device device;
    private final Map<OperatorKey, String> operators = new ConcurrentHashMap<>();
    private final ArenaCache arenas;
    private final AtomicLong compileNanos = new AtomicLong();

    private final int workers;
    /** Output memory kept for reuse between flushes, as a caching allocator keeps device memory. */
    private static final long ARENA_CACHE_BYTES = 256L << 20;

    /** What a fused operator computes; records compare structurally, so equal bodies share one operator. */
    private record OperatorKey(Expr body, int arity, Optional<ReduceKind> reduction) {
    }

    private GpuOs(Device device) {
        this.device = device;
        this.workers = device.info().workers();
        this.arenas = new ArenaCache(device, ARENA_CACHE_BYTES);
    }

    /** Workers of the device: a flush spreads independent work over at most this many tasks. */
    int workers() {
        return workers;
    }

    public static GpuOs on(Device device) {
        return new GpuOs(device);
    }

    public Session session() {
        return new Session(this, device);
    }

    public Device device() {
        return device;
    }

    ArenaCache arenas() {
        return arenas;
    }

    /** Time spent compiling fused operators so far (kept out of steady-state numbers). */
    public long compileNanos() {
        return compileNanos.get();
    }

    public int operatorsCompiled() {
        return operators.size();
    }

    /** The name of an installed operator computing {@code body}, installing it on first use. */
    String operatorFor(Expr body, int arity, Optional<ReduceKind> reduction) {
        return operators.computeIfAbsent(new OperatorKey(body, arity, reduction), key -> {
            String s = new OperatorSpec("probe", arity, body, reduction).signature();
            String name = "fused." + digest(s);
            boolean present = device.operators().stream().anyMatch(op -> op.name().equals(name)
                    && op.versions().stream().anyMatch(v -> v.epoch() == op.activeEpoch() && v.signature().equals(s)));
            if (!present) {
                Device.Installed installed = device.install(new OperatorSpec(name, arity, body, reduction), true);
                compileNanos.addAndGet(installed.compileNanos());
            }
            return name;
        });
    }

    private static String digest(String signature) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(signature.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
