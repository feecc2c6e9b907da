package io.keelson.acrfence.core.fence;

import com.fasterxml.jackson.databind.JsonNode;
import io.keelson.acrfence.core.journal.ChainVerdict;
import io.keelson.acrfence.core.journal.EffectJournal;
import io.keelson.acrfence.core.journal.EffectStatus;
import io.keelson.acrfence.core.journal.Entry;
import io.keelson.acrfence.core.journal.JournalRecord;
import io.keelson.acrfence.core.json.CanonicalJson;
import io.keelson.acrfence.core.tool.HttpToolEndpoint;
import io.keelson.acrfence.core.tool.ToolEndpoint;
import io.keelson.acrfence.core.tool.ToolRegistry;
import io.keelson.acrfence.core.tool.ToolSchema;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The effect fence: every agent tool call passes here. Read-only and idempotent calls pass through. A fenced call
 * (compensatable or irreversible) on a branch restored from a checkpoint is first matched against the branch's
 * shadow - the effects recorded after that checkpoint: the same intent is REPLAYED from the journal (never
 * re-executed); a different intent for a tool with shadow effects is BLOCKED until an explicit fork; an earlier
 * attempt whose outcome is unknown is RECONCILED with the service by the idempotency key the fence minted, never
 * re-sent blindly. A new effect is written ahead (PENDING, with the capability use it consumes) and durable before
 * the service sees it. Calls from a branch a restore or fork superseded are refused (the stale actor is fenced).
 */
public final class Fence implements AutoCloseable {

    /** How many prior effects a BLOCKED answer names. */
    static final int BLOCK_LISTS = 10;

    private final EffectJournal journal;
    private final ToolRegistry tools;
    private final byte[] secret;
    private final Consumer<Boundary> boundaries;
    private final FenceState state = new FenceState();
    private final Set<String> dispatching = new HashSet<>();
    private final SecureRandom random = new SecureRandom();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10)).build();

    /**
     * @param secret     keys the idempotency keys sent downstream (HMAC of the effect id), so they cannot be guessed
     * @param boundaries called at each persistence boundary of a fenced call (the crash harness throws there)
     */
    public Fence(EffectJournal journal, ToolRegistry tools, byte[] secret, Consumer<Boundary> boundaries) {
        this.journal = journal;
        this.tools = tools;
        this.secret = secret.clone();
        this.boundaries = boundaries;
        journal.replay(state::apply);
        state.registeredTools.forEach(this::bind);
    }

    public Fence(EffectJournal journal, ToolRegistry tools, byte[] secret) {
        this(journal, tools, secret, b -> { });
    }

    /** A branch as callers see it. */
    public record BranchView(String run, String branch, String parent, Entry.BranchKind kind, String restoredFrom, long epoch,
                             boolean superseded, List<String> shadow) {
    }

    /** An effect as {@code ListEffects} shows it. */
    public record EffectView(String effectId, String run, String branch, String tool, String intentKey, String arguments, EffectStatus status,
                             String result, String error, String capability, long seq, long atMillis) {
    }

    /** A decision as {@code GetDecision} explains it. */
    public record DecisionView(String decisionId, String run, String branch, String tool, String decision, String priorEffect, String reason,
                               long atMillis) {
    }

    // ---- runs, branches, checkpoints -------------------------------------------------------------------------

    /** Starts a run with its root branch. */
    public synchronized BranchView openRun(String run) {
        checkId(run, "run_id");
        if (state.runEpochs.containsKey(run)) {
            throw new FenceException(FenceException.Kind.INVALID, "run_id", "run '" + run + "' already exists");
        }
        return durable(new Entry.BranchOpened(run, "b1", "", Entry.BranchKind.ROOT, "", 1, "", ""));
    }

    /** Records a checkpoint of the agent's state on {@code branch}; returns its id. */
    public synchronized String checkpoint(String run, String branch) {
        FenceState.Branch b = liveBranch(run, branch).orElseThrow(() -> new FenceException(FenceException.Kind.INVALID, "branch_id",
                "branch '" + branch + "' of run '" + run + "' was superseded by a restore or fork"));
        String id = "c" + (state.checkpointCount(run) + 1);
        append(List.of(new Entry.CheckpointTaken(run, b.opened.branch(), id, b.effects.size())));
        return id;
    }

    /** Restores the run to {@code checkpoint}: a new branch at a higher epoch, every older branch superseded. */
    public synchronized BranchView restore(String run, String checkpoint) {
        requireRun(run);
        FenceState.Checkpoint cp = Optional.ofNullable(state.checkpoints.get(FenceState.key(run, checkpoint)))
                .orElseThrow(() -> new FenceException(FenceException.Kind.NOT_FOUND, "checkpoint_id", "no checkpoint '" + checkpoint + "' in run '" + run + "'"));
        return durable(new Entry.BranchOpened(run, "b" + (state.branchCount(run) + 1), cp.taken().branch(), Entry.BranchKind.RESTORE, checkpoint,
                state.runEpochs.get(run) + 1, "", ""));
    }

    /** An explicit fork of {@code branch}: divergence from what its shadow recorded is approved; the fork has no shadow. */
    public synchronized BranchView fork(String run, String branch, String reason, String approvedBy) {
        if (reason == null || reason.isBlank()) {
            throw new FenceException(FenceException.Kind.INVALID, "reason", "a fork needs a reason");
        }
        if (approvedBy == null || approvedBy.isBlank()) {
            throw new FenceException(FenceException.Kind.INVALID, "approved_by", "a fork needs who approved it");
        }
        liveBranch(run, branch).orElseThrow(() -> new FenceException(FenceException.Kind.INVALID, "branch_id",
                "branch '" + branch + "' was superseded; fork the live branch"));
        return durable(new Entry.BranchOpened(run, "b" + (state.branchCount(run) + 1), branch, Entry.BranchKind.FORK, "",
                state.runEpochs.get(run) + 1, reason, approvedBy));
    }

    /** The run's live branch (the one a restore or fork last opened), if the run exists. */
    public synchronized Optional<BranchView> liveBranch(String run) {
        return state.branches.values().stream().filter(b -> b.opened.run().equals(run) && !b.superseded).reduce((a, b) -> b).map(Fence::view);
    }

    public synchronized BranchView branch(String run, String branch) {
        return view(requireBranch(run, branch));
    }

    private BranchView durable(Entry.BranchOpened opened) {
        append(List.of(opened));
        return view(state.branch(opened.run(), opened.branch()).orElseThrow());
    }

    private static BranchView view(FenceState.Branch b) {
        Entry.BranchOpened o = b.opened;
        return new BranchView(o.run(), o.branch(), o.parent(), o.kind(), o.restoredFrom(), o.epoch(), b.superseded, List.copyOf(b.shadow));
    }

    // ---- tools behind HTTP ----------------------------------------------------------------------------------

    /**
     * Registers (durably, so it is there after a restart) a tool behind HTTP; a tool of the same name needs a higher
     * version. The caller has checked the URLs against what the operator allows.
     */
    public synchronized void registerHttpTool(ToolSchema schema, URI url, Optional<URI> lookupUrl) {
        Entry.ToolRegistered registered = new Entry.ToolRegistered(schema, url.toString(), lookupUrl.map(URI::toString).orElse(""));
        tools.get(schema.name()).filter(t -> t.schema().version() >= schema.version()).ifPresent(t -> {
            throw new FenceException(FenceException.Kind.INVALID, "tool.version", "tool " + schema.name() + " is registered at version "
                    + t.schema().version() + "; a new registration needs a higher version");
        });
        append(List.of(registered));
        bind(registered);
    }

    private void bind(Entry.ToolRegistered t) {
        tools.register(t.schema(), new HttpToolEndpoint(http, URI.create(t.url()),
                t.lookupUrl().isEmpty() ? Optional.empty() : Optional.of(URI.create(t.lookupUrl()))));
    }

    // ---- capabilities ----------------------------------------------------------------------------------------

    /**
     * Grants a capability for {@code tool} in {@code run}, usable {@code maxUses} times, bound (when given) to the
     * one intent of {@code boundArguments}. Returns the handle, the only thing the agent holds.
     */
    public synchronized String grant(String run, String tool, int maxUses, Optional<String> boundArguments) {
        requireRun(run);
        ToolSchema schema = requireTool(tool).schema();
        if (maxUses < 1 || maxUses > 1_000_000) {
            throw new FenceException(FenceException.Kind.INVALID, "max_uses", "1..1000000, was " + maxUses);
        }
        String bound = boundArguments.map(a -> schema.intentKey(arguments(schema, a, "bound_arguments"))).orElse("");
        String handle = "cap_" + HexFormat.of().formatHex(randomBytes(16));
        append(List.of(new Entry.CapabilityGranted(handle, run, tool, maxUses, bound)));
        return handle;
    }

    public synchronized void revoke(String capability, String reason) {
        if (!state.capabilities.containsKey(capability)) {
            throw new FenceException(FenceException.Kind.NOT_FOUND, "capability", "no such capability");
        }
        append(List.of(new Entry.CapabilityRevoked(capability, reason == null ? "" : reason)));
    }

    // ---- calls -----------------------------------------------------------------------------------------------

    /** Decides, journals and (when it decides so) dispatches one call. */
    public Outcome invoke(Invocation call) {
        ToolRegistry.Tool tool = requireTool(call.tool());
        JsonNode args = arguments(tool.schema(), call.argumentsJson(), "arguments");
        if (!tool.schema().effectClass().fenced()) {
            synchronized (this) {
                requireBranch(call.run(), call.branch());
            }
            String id = "d-" + UUID.randomUUID();
            ToolEndpoint.Outcome outcome = tool.endpoint().invoke(args, id);
            if (outcome instanceof ToolEndpoint.Outcome.Succeeded s) {
                return new Outcome.PassedThrough(id, CanonicalJson.text(s.result()));
            }
            return outcome instanceof ToolEndpoint.Outcome.Rejected r ? new Outcome.Failed(id, "", r.error())
                    : new Outcome.Unknown(id, "", ((ToolEndpoint.Outcome.Unknown) outcome).error());
        }
        Plan plan;
        synchronized (this) {
            plan = decide(call, tool, args);
        }
        return plan.carryOut();
    }

    /** What {@link #decide} chose; carried out outside the lock (journal syncs and service calls must not serialise agents). */
    private interface Plan {
        Outcome carryOut();
    }

    private Plan decide(Invocation call, ToolRegistry.Tool tool, JsonNode args) {
        FenceState.Branch branch = requireBranch(call.run(), call.branch());
        ToolSchema schema = tool.schema();
        String intent = schema.intentKey(args);
        if (branch.superseded) {
            return refuse(call, intent, Outcome.Reason.STALE_BRANCH, "", "branch " + call.branch() + " (epoch " + branch.opened.epoch()
                    + ") was superseded by a restore or fork; the run is at epoch " + state.runEpochs.get(call.run()));
        }
        // the same intent still unresolved on this branch: an in-flight duplicate, or a retry after a crash
        Optional<FenceState.Effect> pending = state.own(branch, intent).filter(e -> e.status.unresolved()).findFirst();
        if (pending.isPresent()) {
            return reconcile(call, tool, pending.get(), false);
        }
        // done, but the crash took its answer: the agent's retry gets it from the journal
        Optional<FenceState.Effect> unanswered = state.own(branch, intent).filter(e -> e.status == EffectStatus.COMMITTED && !e.answered).findFirst();
        if (unanswered.isPresent()) {
            FenceState.Effect prior = unanswered.get();
            String id = record(call, intent, Decisions.REPLAYED, prior.issued.effectId(), "the same intent was committed as "
                    + prior.issued.effectId() + " but its answer was lost in a crash; the recorded result is returned");
            return () -> new Outcome.Replayed(id, prior.issued.effectId(), prior.result);
        }
        Optional<FenceState.Effect> equivalent = state.shadow(branch, intent).findFirst();
        if (equivalent.isPresent()) {
            FenceState.Effect prior = equivalent.get();
            if (prior.status == EffectStatus.COMMITTED) {
                String id = record(call, intent, Decisions.REPLAYED, prior.issued.effectId(), "the same intent was committed as "
                        + prior.issued.effectId() + " after the restored checkpoint; its recorded result is returned, nothing re-executed");
                return () -> new Outcome.Replayed(id, prior.issued.effectId(), prior.result);
            }
            if (prior.status.unresolved()) {
                return reconcile(call, tool, prior, true);
            }
            record(call, intent, Decisions.RETRIED, prior.issued.effectId(), "the equivalent effect " + prior.issued.effectId()
                    + " failed at the service (nothing happened); this call runs as new");
        } else {
            // the first few are named (a restore past 10^6 effects must not answer with all of them)
            List<String> others = state.shadowOfTool(branch, schema.name()).filter(e -> e.status != EffectStatus.FAILED)
                    .map(e -> e.issued.effectId()).limit(BLOCK_LISTS + 1).toList();
            if (!others.isEmpty()) {
                String named = others.size() > BLOCK_LISTS ? others.subList(0, BLOCK_LISTS) + " and more" : others.toString();
                others = others.subList(0, Math.min(others.size(), BLOCK_LISTS));
                String reason = "after the restored checkpoint " + branch.opened.restoredFrom() + ", " + schema.name() + " already recorded "
                        + named + " with a different intent; an explicit fork (with a reason and an approver) is needed to do something else";
                String id = record(call, intent, Decisions.BLOCKED, others.get(0), reason);
                List<String> prior = others;
                return () -> new Outcome.Blocked(id, prior, reason);
            }
        }
        Optional<Outcome.Reason> refusal = Optional.empty();
        String capability = call.capability().orElse("");
        String detail = "";
        if (schema.requiresCapability() && capability.isEmpty()) {
            refusal = Optional.of(Outcome.Reason.CAPABILITY_REQUIRED);
            detail = schema.name() + " needs a capability";
        } else if (!capability.isEmpty()) {
            FenceState.Capability cap = state.capabilities.get(capability);
            if (cap == null || !cap.grant.run().equals(call.run())) {
                refusal = Optional.of(Outcome.Reason.CAPABILITY_UNKNOWN);
                detail = "no such capability in run " + call.run();
            } else if (cap.revoked.isPresent()) {
                refusal = Optional.of(Outcome.Reason.CAPABILITY_REVOKED);
                detail = "revoked: " + cap.revoked.get();
            } else if (!cap.grant.tool().equals(schema.name())) {
                refusal = Optional.of(Outcome.Reason.CAPABILITY_SCOPE);
                detail = "it authorises " + cap.grant.tool() + ", not " + schema.name();
            } else if (cap.uses >= cap.grant.maxUses()) {
                refusal = Optional.of(Outcome.Reason.CAPABILITY_CONSUMED);
                detail = "all " + cap.grant.maxUses() + " uses are spent (a restore does not give them back)";
            } else if (!cap.grant.boundIntent().isEmpty() && !cap.grant.boundIntent().equals(intent)) {
                refusal = Optional.of(Outcome.Reason.CAPABILITY_INTENT);
                detail = "it is bound to another intent of " + schema.name();
            }
        }
        if (refusal.isPresent()) {
            return refuse(call, intent, refusal.get(), "", detail);
        }
        String effectId = newEffectId();
        Entry.EffectIssued issued = new Entry.EffectIssued(effectId, call.run(), call.branch(), branch.effects.size(), schema.name(),
                schema.version(), schema.effectClass(), intent, CanonicalJson.text(args), idempotencyKey(effectId), capability);
        state.apply(issued, FenceState.UNSEQUENCED, System.currentTimeMillis()); // reserved now, so a concurrent duplicate sees it
        dispatching.add(effectId);
        return () -> {
            boundaries.accept(Boundary.BEFORE_PENDING);
            List<JournalRecord> written;
            try {
                written = journal.append(List.of(issued));
            } catch (RuntimeException e) {
                synchronized (this) {
                    dispatching.remove(effectId); // not in the journal, so not in flight: a retry must not be told it is
                }
                throw e;
            }
            synchronized (this) {
                state.sequenced(effectId, written.get(0).seq());
            }
            boundaries.accept(Boundary.AFTER_PENDING);
            return dispatch(call, effectId, tool, args, effectId, false);
        };
    }

    /** An earlier attempt of this intent has no known outcome: ask the service by its key, never re-send blindly. */
    private Plan reconcile(Invocation call, ToolRegistry.Tool tool, FenceState.Effect prior, boolean claimsShadow) {
        String effectId = prior.issued.effectId();
        if (dispatching.contains(effectId)) {
            return refuse(call, prior.issued.intentKey(), Outcome.Reason.IN_FLIGHT, effectId, "the same intent is being dispatched now as " + effectId);
        }
        JsonNode args = CanonicalJson.parse(prior.issued.arguments());
        if (!tool.endpoint().reconcilable()) {
            if (prior.status == EffectStatus.PENDING) {
                // for a service that cannot be asked, DISPATCHED is durable before it is called: PENDING means never sent
                String decision = record(call, prior.issued.intentKey(), Decisions.RECONCILED, effectId, "an earlier attempt " + effectId
                        + " of this intent was written ahead but never sent; it is sent now under its own key");
                dispatching.add(effectId);
                return () -> dispatch(call, effectId, tool, args, decision, true);
            }
            return refuse(call, prior.issued.intentKey(), Outcome.Reason.RECONCILE_NEEDED, effectId, "the outcome of " + effectId + " is "
                    + prior.status + " and " + tool.schema().name() + " cannot be asked; an operator must settle it");
        }
        // asking the service is a network call: made outside the lock, with the effect held so no one else reconciles it meanwhile
        dispatching.add(effectId);
        return () -> {
            Optional<ToolEndpoint.Lookup> asked;
            try {
                asked = tool.endpoint().lookup(prior.issued.idempotencyKey());
            } catch (RuntimeException e) {
                asked = Optional.empty();
            }
            if (asked.isEmpty()) {
                String detail = tool.schema().name() + " could not say now what became of " + effectId + " (" + prior.status + "); retry later";
                String id;
                synchronized (this) {
                    dispatching.remove(effectId);
                    id = record(call, prior.issued.intentKey(), Decisions.REFUSED, effectId, Outcome.Reason.RECONCILE_NEEDED + ": " + detail);
                }
                return new Outcome.Refused(id, Outcome.Reason.RECONCILE_NEEDED, detail);
            }
            String decision;
            synchronized (this) {
                decision = record(call, prior.issued.intentKey(), Decisions.RECONCILED, effectId, claimsShadow
                        ? "the equivalent effect " + effectId + " after the restored checkpoint was " + prior.status + "; reconciled with the service"
                        : "an earlier attempt of this intent on this branch was " + prior.status + "; reconciled with the service");
            }
            if (asked.get() instanceof ToolEndpoint.Lookup.Found found) {
                String result = CanonicalJson.text(found.result());
                try {
                    update(effectId, EffectStatus.COMMITTED, result, "");
                } finally {
                    synchronized (this) {
                        dispatching.remove(effectId);
                    }
                }
                return answered(new Outcome.Executed(decision, effectId, result, true), call, effectId);
            }
            // the service never saw it: send it now, under the same key (were it seen after all, the service dedupes)
            return dispatch(call, effectId, tool, args, decision, true);
        };
    }

    private Outcome dispatch(Invocation call, String effectId, ToolRegistry.Tool tool, JsonNode args, String decisionId, boolean reconciled) {
        try {
            // where the service can be asked what it did, "sent" need not be durable before sending (a PENDING effect is
            // looked up, not assumed unsent): one sync less per call
            update(effectId, EffectStatus.DISPATCHED, "", "", !tool.endpoint().reconcilable());
            boundaries.accept(Boundary.AFTER_DISPATCH_MARK);
            ToolEndpoint.Outcome outcome = tool.endpoint().invoke(args, state(effectId).issued.idempotencyKey());
            if (outcome instanceof ToolEndpoint.Outcome.Succeeded s) {
                boundaries.accept(Boundary.AFTER_REMOTE_SUCCESS);
                String result = CanonicalJson.text(s.result());
                update(effectId, EffectStatus.COMMITTED, result, "");
                boundaries.accept(Boundary.AFTER_LOCAL_COMMIT);
                return answered(new Outcome.Executed(decisionId, effectId, result, reconciled), call, effectId);
            }
            if (outcome instanceof ToolEndpoint.Outcome.Rejected r) {
                update(effectId, EffectStatus.FAILED, "", r.error());
                return new Outcome.Failed(decisionId, effectId, r.error());
            }
            String error = ((ToolEndpoint.Outcome.Unknown) outcome).error();
            update(effectId, EffectStatus.UNKNOWN, "", error);
            return new Outcome.Unknown(decisionId, effectId, error);
        } finally {
            synchronized (this) {
                dispatching.remove(effectId);
            }
        }
    }

    /** Notes (without waiting for a sync) that the agent on the call's branch is being given this effect's outcome. */
    private Outcome answered(Outcome outcome, Invocation call, String effectId) {
        Entry.EffectAnswered note = new Entry.EffectAnswered(effectId, call.run(), call.branch());
        JournalRecord written = journal.appendDeferred(List.of(note)).get(0);
        synchronized (this) {
            state.apply(written);
        }
        return outcome;
    }

    private synchronized FenceState.Effect state(String effectId) {
        return state.effects.get(effectId);
    }

    private void update(String effectId, EffectStatus status, String result, String error) {
        update(effectId, status, result, error, true);
    }

    private void update(String effectId, EffectStatus status, String result, String error, boolean durable) {
        Entry.EffectUpdated u = new Entry.EffectUpdated(effectId, status, result, error);
        if (durable) {
            journal.append(List.of(u));
        } else {
            journal.appendDeferred(List.of(u));
        }
        synchronized (this) {
            state.apply(u, FenceState.UNSEQUENCED, System.currentTimeMillis());
        }
    }

    private Plan refuse(Invocation call, String intent, Outcome.Reason reason, String prior, String detail) {
        String id = record(call, intent, Decisions.REFUSED, prior, reason + ": " + detail);
        return () -> new Outcome.Refused(id, reason, detail);
    }

    /** Records a decision durably (a replay claims its shadow effect: the claim must survive a crash); returns its id. */
    private String record(Invocation call, String intent, String decision, String prior, String reason) {
        String id = "d-" + UUID.randomUUID();
        append(List.of(new Entry.DecisionRecorded(id, call.run(), call.branch(), call.tool(), intent, decision, prior, reason)));
        return id;
    }

    private void append(List<Entry> entries) {
        for (JournalRecord r : journal.append(entries)) {
            state.apply(r);
        }
    }

    // ---- reading ---------------------------------------------------------------------------------------------

    public synchronized List<EffectView> effects(String run, Optional<String> branch) {
        requireRun(run);
        branch.ifPresent(b -> requireBranch(run, b));
        List<EffectView> views = new ArrayList<>();
        for (FenceState.Effect e : state.effects.values()) {
            Entry.EffectIssued i = e.issued;
            if (i.run().equals(run) && branch.map(i.branch()::equals).orElse(true)) {
                views.add(new EffectView(i.effectId(), i.run(), i.branch(), i.tool(), i.intentKey(), i.arguments(), e.status, e.result, e.error,
                        i.capability(), e.seq, e.atMillis));
            }
        }
        return views;
    }

    /** Every run (or the one named), in the order they were opened, each with its branches in the order they were opened. */
    public synchronized Map<String, List<BranchView>> runs(Optional<String> run) {
        run.ifPresent(this::requireRun);
        Map<String, List<BranchView>> runs = new LinkedHashMap<>();
        for (FenceState.Branch b : state.branches.values()) {
            if (run.map(b.opened.run()::equals).orElse(true)) {
                runs.computeIfAbsent(b.opened.run(), r -> new ArrayList<>()).add(view(b));
            }
        }
        return runs;
    }

    /** A run's recorded decisions (replayed, blocked, refused, reconciled: every call that was not simply executed), in journal order. */
    public synchronized List<DecisionView> decisions(String run) {
        requireRun(run);
        return state.decisions.values().stream().filter(d -> d.entry().run().equals(run))
                .map(d -> decision(d.entry().decisionId()).orElseThrow()).toList();
    }

    /** Why a call was replayed, blocked, refused or reconciled; an executed call's decision id is its effect id. */
    public synchronized Optional<DecisionView> decision(String decisionId) {
        FenceState.Decision d = state.decisions.get(decisionId);
        if (d != null) {
            Entry.DecisionRecorded r = d.entry();
            return Optional.of(new DecisionView(r.decisionId(), r.run(), r.branch(), r.tool(), r.decision(), r.priorEffect(), r.reason(), d.atMillis()));
        }
        return Optional.ofNullable(state.effects.get(decisionId)).map(e -> new DecisionView(decisionId, e.issued.run(), e.issued.branch(),
                e.issued.tool(), "EXECUTED", "", "no equivalent or conflicting effect after the branch's checkpoint; written ahead and dispatched",
                e.atMillis));
    }

    public ChainVerdict verify() {
        return journal.verify();
    }

    @Override
    public void close() {
        journal.close();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private ToolRegistry.Tool requireTool(String name) {
        return tools.get(name).orElseThrow(() -> new FenceException(FenceException.Kind.NOT_FOUND, "tool", "no tool '" + name + "' is registered"));
    }

    private static JsonNode arguments(ToolSchema schema, String json, String field) {
        JsonNode args;
        try {
            args = CanonicalJson.parse(json);
        } catch (IllegalArgumentException e) {
            throw new FenceException(FenceException.Kind.INVALID, field, e.getMessage());
        }
        List<ToolSchema.Violation> violations = schema.validate(args);
        if (!violations.isEmpty()) {
            ToolSchema.Violation v = violations.get(0);
            throw new FenceException(FenceException.Kind.INVALID, field.equals("arguments") ? v.field() : field + "." + v.field(),
                    v.problem() + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : ""));
        }
        return args;
    }

    private void requireRun(String run) {
        if (!state.runEpochs.containsKey(run)) {
            throw new FenceException(FenceException.Kind.NOT_FOUND, "run_id", "no run '" + run + "'");
        }
    }

    private FenceState.Branch requireBranch(String run, String branch) {
        requireRun(run);
        return state.branch(run, branch).orElseThrow(() -> new FenceException(FenceException.Kind.NOT_FOUND, "branch_id",
                "no branch '" + branch + "' in run '" + run + "'"));
    }

    private Optional<FenceState.Branch> liveBranch(String run, String branch) {
        return Optional.of(requireBranch(run, branch)).filter(b -> !b.superseded);
    }

    private static void checkId(String id, String field) {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new FenceException(FenceException.Kind.INVALID, field, "1-64 letters, digits, '_', '.', '-', starting with a letter or digit");
        }
    }

    private String idempotencyKey(String effectId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(effectId.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    /** A time-ordered id (UUIDv7 layout: 48 bits of milliseconds, then random), minted here, never by the agent. */
    private String newEffectId() {
        byte[] r = randomBytes(10);
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (((r[0] & 0xFFL) << 4 | (r[1] & 0x0FL)) & 0x0FFFL);
        long low = 0x8000000000000000L | (java.nio.ByteBuffer.wrap(r, 2, 8).getLong() & 0x3FFFFFFFFFFFFFFFL);
        return new UUID(high, low).toString();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
