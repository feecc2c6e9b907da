package io.keelson.acrfence.core.journal;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.keelson.acrfence.core.tool.EffectClass;

/**
 * What the journal records, outside any agent checkpoint: branches and checkpoints of runs, effects (written ahead
 * as PENDING, then their outcome), the fence's decisions, and the capability ledger. The journal is the only state:
 * everything else is folded from it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Entry.BranchOpened.class, name = "branch_opened"),
        @JsonSubTypes.Type(value = Entry.CheckpointTaken.class, name = "checkpoint_taken"),
        @JsonSubTypes.Type(value = Entry.EffectIssued.class, name = "effect_issued"),
        @JsonSubTypes.Type(value = Entry.EffectUpdated.class, name = "effect_updated"),
        @JsonSubTypes.Type(value = Entry.EffectAnswered.class, name = "effect_answered"),
        @JsonSubTypes.Type(value = Entry.DecisionRecorded.class, name = "decision_recorded"),
        @JsonSubTypes.Type(value = Entry.CapabilityGranted.class, name = "capability_granted"),
        @JsonSubTypes.Type(value = Entry.CapabilityRevoked.class, name = "capability_revoked"),
        @JsonSubTypes.Type(value = Entry.ToolRegistered.class, name = "tool_registered")})
public sealed interface Entry {

    enum BranchKind { ROOT, RESTORE, FORK }

    /**
     * A branch of a run: the root, one restored from a checkpoint (it supersedes the checkpoint's branch), or an
     * explicit fork (with who approved it and why; it supersedes the branch it forks).
     */
    record BranchOpened(String run, String branch, String parent, BranchKind kind, String restoredFrom, long epoch, String reason,
                        String approvedBy) implements Entry {
    }

    /** A checkpoint of the agent's state on a branch, taken after {@code position} effects of that branch. */
    record CheckpointTaken(String run, String branch, String checkpoint, int position) implements Entry {
    }

    /**
     * An effect written ahead of its dispatch (PENDING), with the capability use it consumes in the same record, so
     * both are durable together or not at all.
     */
    record EffectIssued(String effectId, String run, String branch, int branchSeq, String tool, int toolVersion, EffectClass effectClass,
                        String intentKey, String arguments, String idempotencyKey, String capability) implements Entry {
    }

    /** An effect's next status, with the service's result or error. */
    record EffectUpdated(String effectId, EffectStatus status, String result, String error) implements Entry {
    }

    /**
     * The agent on {@code branch} was given the effect's outcome: from then on that branch's context knows it. Until
     * then a crash may have eaten the answer, and the agent's retry of the same intent is answered from the journal.
     */
    record EffectAnswered(String effectId, String run, String branch) implements Entry {
    }

    /** A call the fence did not execute as new: replayed, blocked, or refused, with the prior effect it refers to. */
    record DecisionRecorded(String decisionId, String run, String branch, String tool, String intentKey, String decision, String priorEffect,
                            String reason) implements Entry {
    }

    /** A capability: a tool it authorises, how many uses, and (optionally) the one intent it is bound to. */
    record CapabilityGranted(String capability, String run, String tool, int maxUses, String boundIntent) implements Entry {
    }

    record CapabilityRevoked(String capability, String reason) implements Entry {
    }

    /** A tool behind HTTP, registered by an operator: its schema, where to call it, and where to ask about a key ("" for nowhere). */
    record ToolRegistered(io.keelson.acrfence.core.tool.ToolSchema schema, String url, String lookupUrl) implements Entry {
    }
}
