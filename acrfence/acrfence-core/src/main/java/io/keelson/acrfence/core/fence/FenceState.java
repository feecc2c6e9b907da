package io.keelson.acrfence.core.fence;

import io.keelson.acrfence.core.journal.EffectStatus;
import io.keelson.acrfence.core.journal.Entry;
import io.keelson.acrfence.core.journal.JournalRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the fence knows, folded from the journal: runs and their epochs, branches with their shadow sets
 * (the run's effects whose outcome the restored context had not been told of, not yet claimed by an equivalent
 * call),
 * checkpoints, effects with their status, decisions, and the capability ledger. Entries applied before their
 * append finishes carry no sequence yet ({@link #UNSEQUENCED}), which a restore treats as "after" any checkpoint.
 */
final class FenceState {

    static final long UNSEQUENCED = Long.MAX_VALUE;

    static final class Branch {
        final Entry.BranchOpened opened;
        final long openedSeq;
        /** Effects whose outcome the agent on this branch was given, with when: what its context knows. */
        final Map<String, Long> answers = new LinkedHashMap<>();
        final List<String> effects = new ArrayList<>();
        /** Its own effects (issued on it, or adopted: taken over from an earlier branch by reconciling), by intent key. */
        final Map<String, List<String>> ownByIntent = new HashMap<>();
        final Set<String> shadow = new LinkedHashSet<>();
        final Map<String, Set<String>> shadowByIntent = new HashMap<>();
        final Map<String, Set<String>> shadowByTool = new HashMap<>();

        void own(Effect e) {
            List<String> same = ownByIntent.computeIfAbsent(e.issued.intentKey(), k -> new ArrayList<>(1));
            if (!same.contains(e.issued.effectId())) {
                same.add(e.issued.effectId());
            }
        }

        void shadow(Effect e) {
            shadow.add(e.issued.effectId());
            shadowByIntent.computeIfAbsent(e.issued.intentKey(), k -> new LinkedHashSet<>()).add(e.issued.effectId());
            shadowByTool.computeIfAbsent(e.issued.tool(), k -> new LinkedHashSet<>()).add(e.issued.effectId());
        }

        void claim(Effect e) {
            shadow.remove(e.issued.effectId());
            Optional.ofNullable(shadowByIntent.get(e.issued.intentKey())).ifPresent(ids -> ids.remove(e.issued.effectId()));
            Optional.ofNullable(shadowByTool.get(e.issued.tool())).ifPresent(ids -> ids.remove(e.issued.effectId()));
        }
        boolean superseded;

        Branch(Entry.BranchOpened opened, long openedSeq) {
            this.opened = opened;
            this.openedSeq = openedSeq;
        }
    }

    record Checkpoint(Entry.CheckpointTaken taken, long seq) {
    }

    static final class Effect {
        final Entry.EffectIssued issued;
        long seq;
        long atMillis;
        EffectStatus status = EffectStatus.PENDING;
        boolean answered;
        String result = "";
        String error = "";

        Effect(Entry.EffectIssued issued, long seq, long atMillis) {
            this.issued = issued;
            this.seq = seq;
            this.atMillis = atMillis;
        }
    }

    static final class Capability {
        final Entry.CapabilityGranted grant;
        int uses;
        Optional<String> revoked = Optional.empty();

        Capability(Entry.CapabilityGranted grant) {
            this.grant = grant;
        }
    }

    record Decision(Entry.DecisionRecorded entry, long atMillis) {
    }

    final Map<String, Long> runEpochs = new HashMap<>();
    final Map<String, Branch> branches = new LinkedHashMap<>();
    final Map<String, Checkpoint> checkpoints = new HashMap<>();
    final Map<String, Effect> effects = new LinkedHashMap<>();
    final Map<String, Capability> capabilities = new HashMap<>();
    final Map<String, Decision> decisions = new LinkedHashMap<>(); // journal order
    final List<Entry.ToolRegistered> registeredTools = new ArrayList<>();

    static String key(String run, String id) {
        return run + "/" + id;
    }

    Optional<Branch> branch(String run, String branch) {
        return Optional.ofNullable(branches.get(key(run, branch)));
    }

    long branchCount(String run) {
        return branches.values().stream().filter(b -> b.opened.run().equals(run)).count();
    }

    long checkpointCount(String run) {
        return checkpoints.values().stream().filter(c -> c.taken.run().equals(run)).count();
    }

    void apply(JournalRecord r) {
        apply(r.entry(), r.seq(), r.atMillis());
    }

    void apply(Entry entry, long seq, long atMillis) {
        if (entry instanceof Entry.BranchOpened b) {
            openBranch(b, seq);
        } else if (entry instanceof Entry.CheckpointTaken c) {
            checkpoints.put(key(c.run(), c.checkpoint()), new Checkpoint(c, seq));
        } else if (entry instanceof Entry.EffectIssued e) {
            Effect effect = new Effect(e, seq, atMillis);
            effects.put(e.effectId(), effect);
            Branch branch = branches.get(key(e.run(), e.branch()));
            branch.effects.add(e.effectId());
            branch.own(effect);
            if (!e.capability().isEmpty()) {
                capabilities.get(e.capability()).uses++;
            }
        } else if (entry instanceof Entry.EffectUpdated u) {
            Effect e = effects.get(u.effectId());
            boolean refund = u.status() == EffectStatus.FAILED && e.status != EffectStatus.FAILED && !e.issued.capability().isEmpty();
            e.status = u.status();
            e.result = u.result();
            e.error = u.error();
            if (refund) {
                capabilities.get(e.issued.capability()).uses--; // nothing happened: the authority was not used
            }
        } else if (entry instanceof Entry.EffectAnswered a) {
            effects.get(a.effectId()).answered = true;
            branches.get(key(a.run(), a.branch())).answers.putIfAbsent(a.effectId(), seq);
        } else if (entry instanceof Entry.DecisionRecorded d) {
            decisions.put(d.decisionId(), new Decision(d, atMillis));
            Branch branch = branches.get(key(d.run(), d.branch()));
            if (!d.priorEffect().isEmpty() && Decisions.CLAIMING.contains(d.decision())) {
                branch.claim(effects.get(d.priorEffect()));
            }
            if (d.decision().equals(Decisions.RECONCILED)) {
                branch.own(effects.get(d.priorEffect()));
            }
            if (d.decision().equals(Decisions.REPLAYED)) {
                branch.answers.putIfAbsent(d.priorEffect(), seq);
                effects.get(d.priorEffect()).answered = true;
            }
        } else if (entry instanceof Entry.CapabilityGranted g) {
            capabilities.put(g.capability(), new Capability(g));
        } else if (entry instanceof Entry.CapabilityRevoked v) {
            capabilities.get(v.capability()).revoked = Optional.of(v.reason());
        } else if (entry instanceof Entry.ToolRegistered t) {
            registeredTools.add(t);
        }
    }

    /** The branch's own effects (issued on it or adopted) with this intent. */
    java.util.stream.Stream<Effect> own(Branch branch, String intentKey) {
        return branch.ownByIntent.getOrDefault(intentKey, List.of()).stream().map(effects::get);
    }

    /** The branch's unclaimed shadow effects with this intent, oldest first. */
    java.util.stream.Stream<Effect> shadow(Branch branch, String intentKey) {
        return branch.shadowByIntent.getOrDefault(intentKey, Set.of()).stream().map(effects::get);
    }

    /** The branch's unclaimed shadow effects of this tool, oldest first. */
    java.util.stream.Stream<Effect> shadowOfTool(Branch branch, String tool) {
        return branch.shadowByTool.getOrDefault(tool, Set.of()).stream().map(effects::get);
    }

    /** Records an effect's journal position once its append returned. */
    void sequenced(String effectId, long seq) {
        Effect e = effects.get(effectId);
        if (e != null) {
            e.seq = seq;
        }
    }

    private void openBranch(Entry.BranchOpened b, long seq) {
        Branch branch = new Branch(b, seq);
        runEpochs.merge(b.run(), b.epoch(), Math::max);
        if (b.kind() == Entry.BranchKind.RESTORE) {
            // a restore replaces the run's live context; every effect that context had not been told of is history it must not repeat
            Checkpoint cp = checkpoints.get(key(b.run(), b.restoredFrom()));
            Set<String> known = knownAt(branches.get(key(b.run(), cp.taken().branch())), cp.seq());
            branches.values().stream().filter(x -> x.opened.run().equals(b.run())).forEach(x -> x.superseded = true);
            effects.values().stream().filter(e -> e.issued.run().equals(b.run()) && !known.contains(e.issued.effectId()))
                    .forEach(branch::shadow);
        } else if (b.kind() == Entry.BranchKind.FORK) {
            branches.get(key(b.run(), b.parent())).superseded = true; // divergence approved: the fork starts with no shadow
        }
        branches.put(key(b.run(), b.branch()), branch);
    }

    /**
     * The effects whose outcome the agent's context on {@code branch} had been given before {@code seq}: its own
     * answers then, and what the context it started from knew (the checkpoint it was restored from, or its parent
     * when it forked).
     */
    private Set<String> knownAt(Branch branch, long seq) {
        Set<String> known = new java.util.HashSet<>();
        branch.answers.forEach((effect, at) -> {
            if (at < seq) {
                known.add(effect);
            }
        });
        Entry.BranchOpened o = branch.opened;
        if (o.kind() == Entry.BranchKind.RESTORE) {
            Checkpoint cp = checkpoints.get(key(o.run(), o.restoredFrom()));
            known.addAll(knownAt(branches.get(key(o.run(), cp.taken().branch())), cp.seq()));
        } else if (o.kind() == Entry.BranchKind.FORK) {
            known.addAll(knownAt(branches.get(key(o.run(), o.parent())), branch.openedSeq));
        }
        return known;
    }
}
