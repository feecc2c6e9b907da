package io.keelson.acrfence.core.attack;

import io.keelson.acrfence.core.downstream.ApprovalService;
import io.keelson.acrfence.core.downstream.Bank;
import io.keelson.acrfence.core.downstream.CloudApi;
import io.keelson.acrfence.core.fence.Boundary;
import io.keelson.acrfence.core.fence.Fence;
import io.keelson.acrfence.core.journal.FileJournal;
import io.keelson.acrfence.core.tool.ArgumentSpec;
import io.keelson.acrfence.core.tool.EffectClass;
import io.keelson.acrfence.core.tool.ToolRegistry;
import io.keelson.acrfence.core.tool.ToolSchema;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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

    public static final ToolSchema TRANSFER = new ToolSchema("transfer", 1, EffectClass.IRREVERSIBLE, List.of(
            new ArgumentSpec("to", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("amount", ArgumentSpec.Type.NUMBER, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("reference", ArgumentSpec.Type.STRING, false, ArgumentSpec.Role.VOLATILE)), false);
    public static final ToolSchema DELETE = new ToolSchema("delete_record", 1, EffectClass.IRREVERSIBLE, List.of(
            new ArgumentSpec("subject", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("token", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.VOLATILE),
            new ArgumentSpec("request_id", ArgumentSpec.Type.STRING, false, ArgumentSpec.Role.VOLATILE)), true);
    public static final ToolSchema CREATE_SERVER = new ToolSchema("create_server", 1, EffectClass.IRREVERSIBLE, List.of(
            new ArgumentSpec("name", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("size", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("client_token", ArgumentSpec.Type.STRING, false, ArgumentSpec.Role.VOLATILE)), false);
    public static final ToolSchema BALANCE = new ToolSchema("balance", 1, EffectClass.READ_ONLY, List.of(
            new ArgumentSpec("account", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT)), false);

    public final Bank bank = new Bank();
    public final ApprovalService approvals;
    public final CloudApi cloud = new CloudApi();
    public final ToolRegistry tools = new ToolRegistry();
    private final Path dir;
    private Optional<Boundary> crashAt = Optional.empty();
    private Fence fence;

    public Testbed(Path dir, ApprovalService.Validation validation) {
        this.dir = dir;
        this.approvals = new ApprovalService(validation);
        tools.register(TRANSFER, bank);
        tools.register(DELETE, approvals);
        tools.register(CREATE_SERVER, cloud);
        tools.register(BALANCE, (args, key) -> new io.keelson.acrfence.core.tool.ToolEndpoint.Outcome.Succeeded(
                io.keelson.acrfence.core.json.CanonicalJson.parse("{\"balance\":1000}")));
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

    /** As {@link #restart()}, the journal's last {@code bytes} lost as if the crash cut its last write short. */
    public void restartWithTornTail(int bytes) {
        fence.close();
        try (java.io.RandomAccessFile log = new java.io.RandomAccessFile(dir.resolve("journal.log").toFile(), "rw")) {
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
        fence = new Fence(FileJournal.open(dir, Clock.systemUTC()), tools, "test-secret".getBytes(), hook);
    }

    @Override
    public void close() {
        fence.close();
    }
}
