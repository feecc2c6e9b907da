package io.keelson.acrfence.core.attack;

import io.keelson.acrfence.core.downstream.ApprovalService;
import io.keelson.acrfence.core.downstream.Bank;
import io.keelson.acrfence.core.downstream.CloudApi;
import io.keelson.acrfence.core.downstream.DemoTools;
import io.keelson.acrfence.core.fence.Boundary;
import io.keelson.acrfence.core.fence.Fence;
import io.keelson.acrfence.core.journal.EffectJournal;
import io.keelson.acrfence.core.journal.FileJournal;
import io.keelson.acrfence.core.tool.ToolRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The world of the attack suite and the crash harness: a bank, an approval-guarded records service and a cloud API
 * (which outlive any gateway crash and count every real effect), their tools, and the gateway over them, which can
 * be crashed at a boundary and started again from its journal.
 */
public final class Testbed implements AutoCloseable {

    /** Thrown at a boundary to stop the gateway there, as kill -9 would. */
    public static final class Crash extends RuntimeException {
        public Crash(Boundary at) {
            super("crashed at " + at);
        }
    }

    public final Bank bank;
    public final ApprovalService approvals;
    public final CloudApi cloud;
    public final ToolRegistry tools;
    private final Supplier<EffectJournal> journals;
    private final Optional<Path> fileDir;
    private Optional<Boundary> crashAt = Optional.empty();
    private Fence fence;

    /** A testbed whose gateway journals to a file journal in {@code dir}. */
    public Testbed(Path dir, ApprovalService.Validation validation) {
        this(() -> FileJournal.open(dir, Clock.systemUTC()), Optional.of(dir), validation);
    }

    /** A testbed whose gateway opens its journal with {@code journals} at every (re)start (e.g. one PostgreSQL schema). */
    public Testbed(Supplier<EffectJournal> journals, ApprovalService.Validation validation) {
        this(journals, Optional.empty(), validation);
    }

    private Testbed(Supplier<EffectJournal> journals, Optional<Path> fileDir, ApprovalService.Validation validation) {
        this.journals = journals;
        this.fileDir = fileDir;
        DemoTools demo = new DemoTools(validation);
        this.bank = demo.bank;
        this.approvals = demo.approvals;
        this.cloud = demo.cloud;
        this.tools = demo.registerIn(new ToolRegistry());
        start();
    }

    public Fence fence() {
        return fence;
    }

    /** The next fenced call that reaches {@code at} crashes the gateway there. */
    public void crashNextAt(Boundary at) {
        crashAt = Optional.of(at);
    }

    /** No crash armed any more (the call did not reach its boundary: it was replayed or refused). */
    public void disarm() {
        crashAt = Optional.empty();
    }

    /** The gateway died (its process gone, its files as they were) and starts again from its journal. */
    public void restart() {
        fence.close();
        start();
    }

    /** Whether a crash can tear the journal's last write (a file can; a database transaction cannot). */
    public boolean tearable() {
        return fileDir.isPresent();
    }

    /** As {@link #restart()}, the journal's last {@code bytes} lost as if the crash cut its last write short. */
    public void restartWithTornTail(int bytes) {
        fence.close();
        try (java.io.RandomAccessFile log = new java.io.RandomAccessFile(fileDir.orElseThrow().resolve("journal.log").toFile(), "rw")) {
            log.setLength(Math.max(0, log.length() - bytes));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        start();
    }

    private void start() {
        Consumer<Boundary> hook = b -> {
            if (crashAt.filter(b::equals).isPresent()) {
                crashAt = Optional.empty();
                throw new Crash(b);
            }
        };
        fence = new Fence(journals.get(), tools, "test-secret".getBytes(), hook);
    }

    @Override
    public void close() {
        fence.close();
    }
}
