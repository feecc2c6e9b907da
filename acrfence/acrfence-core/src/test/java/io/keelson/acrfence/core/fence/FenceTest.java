package io.keelson.acrfence.core.fence;

import io.keelson.acrfence.core.downstream.ApprovalService;
import io.keelson.acrfence.core.attack.Testbed;
import io.keelson.acrfence.core.testing.JournalStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fence's decisions on the study's attacks and their benign twins, against fake services that count real
 * effects; run on each journal store ({@link FenceOnFileTest}, {@link FenceOnPostgresTest}).
 */
abstract class FenceTest {

    /** The store this run of the tests journals to. */
    abstract JournalStore store();

    @TempDir
    Path dir;
    private Testbed world;
    private Fence fence;
    private String branch;

    @BeforeEach
    void start() {
        world = new Testbed(store().fresh(dir), ApprovalService.Validation.STATELESS);
        fence = world.fence();
        branch = fence.openRun("r1").branch();
    }

    @AfterEach
    void stop() {
        if (world != null) { // null when the store was not available and the test was skipped
            world.close();
        }
    }

    private Outcome transfer(String on, String to, int amount, String reference) {
        return world.fence().invoke(new Invocation("r1", on, "transfer", "{\"to\":\"" + to + "\",\"amount\":" + amount + ",\"reference\":\"" + reference
                + "\"}", Optional.empty()));
    }

    @Test
    void actionReplayAfterARestoreGetsTheRecordedResultNotASecondTransfer() {
        String cp = fence.checkpoint("r1", branch);
        Outcome first = transfer(branch, "acme", 500, "a1b2c3d4");
        assertThat(first).isInstanceOf(Outcome.Executed.class);
        String restored = fence.restore("r1", cp).branch();
        // the model re-synthesises the call with a fresh reference: the bank's own dedupe would not catch it
        Outcome again = transfer(restored, "acme", 500, "f9a8b7c6");
        assertThat(again).isInstanceOfSatisfying(Outcome.Replayed.class, r -> {
            assertThat(r.effectId()).isEqualTo(((Outcome.Executed) first).effectId());
            assertThat(r.result()).isEqualTo(((Outcome.Executed) first).result());
        });
        assertThat(world.bank.transfers()).hasSize(1);
        Fence.DecisionView why = fence.decision(again.decisionId()).orElseThrow();
        assertThat(why.decision()).isEqualTo("REPLAYED");
        assertThat(why.priorEffect()).isEqualTo(((Outcome.Executed) first).effectId());
        // the branch's shadow effect is claimed: the same call once more is a new transfer, as on any branch
        assertThat(transfer(restored, "acme", 500, "0000")).isInstanceOf(Outcome.Executed.class);
        assertThat(world.bank.transfers()).hasSize(2);
    }

    @Test
    void aDifferentCallAfterARestoreIsBlockedUntilAnExplicitFork() {
        String cp = fence.checkpoint("r1", branch);
        transfer(branch, "acme", 500, "r1");
        String restored = fence.restore("r1", cp).branch();
        Outcome redirected = transfer(restored, "mallory", 500, "r2");
        assertThat(redirected).isInstanceOfSatisfying(Outcome.Blocked.class, b -> assertThat(b.reason()).contains("explicit fork"));
        assertThat(world.bank.transfers()).hasSize(1);
        assertThatThrownBy(() -> fence.fork("r1", restored, "", "ops")).hasMessageContaining("reason");
        String forked = fence.fork("r1", restored, "customer asked to pay mallory instead", "alice@ops").branch();
        assertThat(transfer(forked, "mallory", 500, "r3")).isInstanceOf(Outcome.Executed.class);
        assertThat(world.bank.transfers()).extracting(t -> t.to()).containsExactly("acme", "mallory");
    }

    @Test
    void theSupersededBranchIsFencedOff() {
        String cp = fence.checkpoint("r1", branch);
        fence.restore("r1", cp);
        Outcome stale = transfer(branch, "acme", 10, "x");
        assertThat(stale).isInstanceOfSatisfying(Outcome.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(Outcome.Reason.STALE_BRANCH);
            assertThat(r.detail()).contains("epoch 1", "epoch 2");
        });
        assertThat(world.bank.transfers()).isEmpty();
    }

    @Test
    void authorityResurrectionIsRefusedEvenByAServiceThatValidatesStatelessly() {
        String token = world.approvals.approve("alice");
        String cap = fence.grant("r1", "delete_record", 1, Optional.of("{\"subject\":\"alice\",\"token\":\"" + token + "\"}"));
        String cp = fence.checkpoint("r1", branch);
        Outcome delete = world.fence().invoke(new Invocation("r1", branch, "delete_record", "{\"subject\":\"alice\",\"token\":\"" + token + "\"}",
                Optional.of(cap)));
        assertThat(delete).isInstanceOf(Outcome.Executed.class);
        // an insider rewinds to just after the approval and points the agent at bob, with the same handle
        String restored = fence.restore("r1", cp).branch();
        Outcome bob = world.fence().invoke(new Invocation("r1", restored, "delete_record", "{\"subject\":\"bob\",\"token\":\"" + token + "\"}",
                Optional.of(cap)));
        assertThat(bob).isInstanceOf(Outcome.Blocked.class);
        String forked = fence.fork("r1", restored, "insider insists", "mallory").branch();
        Outcome afterFork = world.fence().invoke(new Invocation("r1", forked, "delete_record", "{\"subject\":\"bob\",\"token\":\"" + token + "\"}",
                Optional.of(cap)));
        assertThat(afterFork).isInstanceOfSatisfying(Outcome.Refused.class, r -> assertThat(r.reason()).isEqualTo(Outcome.Reason.CAPABILITY_CONSUMED));
        assertThat(world.approvals.deletions()).containsExactly("alice");

        String second = fence.grant("r1", "delete_record", 1, Optional.of("{\"subject\":\"carol\",\"token\":\"t\"}"));
        Outcome wrongIntent = world.fence().invoke(new Invocation("r1", forked, "delete_record", "{\"subject\":\"bob\",\"token\":\"" + token + "\"}",
                Optional.of(second)));
        assertThat(wrongIntent).isInstanceOfSatisfying(Outcome.Refused.class, r -> assertThat(r.reason()).isEqualTo(Outcome.Reason.CAPABILITY_INTENT));
        fence.revoke(second, "manager withdrew it");
        Outcome revoked = world.fence().invoke(new Invocation("r1", forked, "delete_record", "{\"subject\":\"carol\",\"token\":\"t\"}",
                Optional.of(second)));
        assertThat(revoked).isInstanceOfSatisfying(Outcome.Refused.class, r -> assertThat(r.reason()).isEqualTo(Outcome.Reason.CAPABILITY_REVOKED));
        Outcome none = world.fence().invoke(new Invocation("r1", forked, "delete_record", "{\"subject\":\"carol\",\"token\":\"t\"}", Optional.empty()));
        assertThat(none).isInstanceOfSatisfying(Outcome.Refused.class, r -> assertThat(r.reason()).isEqualTo(Outcome.Reason.CAPABILITY_REQUIRED));
    }

    @Test
    void aCrashAfterTheServiceActedIsReconciledByTheFencesKeyNotResent() {
        world.crashNextAt(Boundary.AFTER_REMOTE_SUCCESS);
        assertThatThrownBy(() -> transfer(branch, "acme", 500, "first")).isInstanceOf(Testbed.Crash.class);
        world.restart();
        Outcome retry = transfer(branch, "acme", 500, "second-try");
        assertThat(retry).isInstanceOfSatisfying(Outcome.Executed.class, e -> assertThat(e.reconciled()).isTrue());
        assertThat(world.bank.transfers()).hasSize(1);
        assertThat(world.fence().decision(retry.decisionId()).orElseThrow().decision()).isEqualTo("RECONCILED");
    }

    @Test
    void aCrashBeforeDispatchIsFinishedUnderTheSameKeyExactlyOnce() {
        world.crashNextAt(Boundary.AFTER_PENDING);
        assertThatThrownBy(() -> transfer(branch, "acme", 500, "first")).isInstanceOf(Testbed.Crash.class);
        world.restart();
        assertThat(world.bank.transfers()).isEmpty();
        Outcome retry = transfer(branch, "acme", 500, "second-try");
        assertThat(retry).isInstanceOf(Outcome.Executed.class);
        assertThat(world.bank.transfers()).hasSize(1);
        assertThat(transfer(branch, "acme", 500, "third")).isInstanceOf(Outcome.Executed.class); // committed now: a new call is new
        assertThat(world.bank.transfers()).hasSize(2);
    }

    @Test
    void anUnknownOutcomeAtAServiceThatCannotBeAskedIsRefusedNotResent() {
        world.crashNextAt(Boundary.AFTER_REMOTE_SUCCESS);
        String create = "{\"name\":\"web-1\",\"size\":\"large\",\"client_token\":\"tok-1\"}";
        assertThatThrownBy(() -> world.fence().invoke(new Invocation("r1", branch, "create_server", create, Optional.empty())))
                .isInstanceOf(Testbed.Crash.class);
        world.restart();
        Outcome retry = world.fence().invoke(new Invocation("r1", branch, "create_server", "{\"name\":\"web-1\",\"size\":\"large\",\"client_token\":\"tok-2\"}",
                Optional.empty()));
        assertThat(retry).isInstanceOfSatisfying(Outcome.Refused.class, r -> assertThat(r.reason()).isEqualTo(Outcome.Reason.RECONCILE_NEEDED));
        assertThat(world.cloud.servers()).hasSize(1);
    }

    @Test
    void readOnlyCallsPassThroughUnjournaled() {
        Outcome read = world.fence().invoke(new Invocation("r1", branch, "balance", "{\"account\":\"a\"}", Optional.empty()));
        assertThat(read).isInstanceOfSatisfying(Outcome.PassedThrough.class, p -> assertThat(p.result()).isEqualTo("{\"balance\":1000}"));
        assertThat(fence.effects("r1", Optional.empty())).isEmpty();
    }

    @Test
    void badRequestsNameWhatIsWrongAndWriteNothing() {
        long before = fence.verify().records();
        assertThatThrownBy(() -> world.fence().invoke(new Invocation("r1", branch, "wire", "{}", Optional.empty())))
                .isInstanceOfSatisfying(FenceException.class, e -> assertThat(e.field()).isEqualTo("tool"));
        assertThatThrownBy(() -> world.fence().invoke(new Invocation("r1", branch, "transfer", "{\"to\":\"x\",\"amount\":\"lots\"}", Optional.empty())))
                .isInstanceOfSatisfying(FenceException.class, e -> assertThat(e.field()).isEqualTo("arguments.amount"));
        assertThatThrownBy(() -> world.fence().invoke(new Invocation("r1", branch, "transfer", "{not json", Optional.empty())))
                .isInstanceOfSatisfying(FenceException.class, e -> assertThat(e.field()).isEqualTo("arguments"));
        assertThatThrownBy(() -> transfer("b9", "acme", 1, "x")).isInstanceOfSatisfying(FenceException.class, e -> assertThat(e.field()).isEqualTo("branch_id"));
        assertThatThrownBy(() -> fence.restore("r1", "c42")).isInstanceOfSatisfying(FenceException.class, e -> assertThat(e.field()).isEqualTo("checkpoint_id"));
        assertThatThrownBy(() -> fence.restore("nope", "c1")).isInstanceOfSatisfying(FenceException.class, e -> assertThat(e.field()).isEqualTo("run_id"));
        assertThat(fence.verify().records()).isEqualTo(before);
        assertThat(world.bank.transfers()).isEmpty();
    }

    @Test
    void stateRebuiltFromTheJournalDecidesAlike() {
        String cp = fence.checkpoint("r1", branch);
        transfer(branch, "acme", 500, "a");
        String restored = fence.restore("r1", cp).branch();
        world.restart();
        assertThat(world.fence().branch("r1", restored).shadow()).hasSize(1);
        assertThat(transfer(restored, "acme", 500, "b")).isInstanceOf(Outcome.Replayed.class);
        world.restart(); // the claim survives: the next equivalent call is new
        assertThat(transfer(restored, "acme", 500, "c")).isInstanceOf(Outcome.Executed.class);
        assertThat(world.bank.transfers()).hasSize(2);
        assertThat(world.fence().verify().intact()).isTrue();
    }
}
