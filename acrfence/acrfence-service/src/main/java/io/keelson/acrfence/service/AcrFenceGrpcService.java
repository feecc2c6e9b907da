package io.keelson.acrfence.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.keelson.acrfence.core.fence.Fence;
import io.keelson.acrfence.core.fence.FenceException;
import io.keelson.acrfence.core.fence.Invocation;
import io.keelson.acrfence.core.fence.Outcome;
import io.keelson.acrfence.core.journal.ChainVerdict;
import io.keelson.acrfence.core.tool.ArgumentSpec;
import io.keelson.acrfence.core.tool.ToolRegistry;
import io.keelson.acrfence.v1.AcrFenceServiceGrpc;
import io.keelson.acrfence.v1.Branch;
import io.keelson.acrfence.v1.CheckpointRequest;
import io.keelson.acrfence.v1.CheckpointResponse;
import io.keelson.acrfence.v1.Decision;
import io.keelson.acrfence.v1.Effect;
import io.keelson.acrfence.v1.EffectClass;
import io.keelson.acrfence.v1.ForkRequest;
import io.keelson.acrfence.v1.ForkResponse;
import io.keelson.acrfence.v1.GetDecisionRequest;
import io.keelson.acrfence.v1.GetDecisionResponse;
import io.keelson.acrfence.v1.ListRunsRequest;
import io.keelson.acrfence.v1.ListRunsResponse;
import io.keelson.acrfence.v1.Run;
import io.keelson.acrfence.v1.GrantCapabilityRequest;
import io.keelson.acrfence.v1.GrantCapabilityResponse;
import io.keelson.acrfence.v1.InvokeToolRequest;
import io.keelson.acrfence.v1.InvokeToolResponse;
import io.keelson.acrfence.v1.ListEffectsRequest;
import io.keelson.acrfence.v1.ListEffectsResponse;
import io.keelson.acrfence.v1.ListToolsRequest;
import io.keelson.acrfence.v1.ListToolsResponse;
import io.keelson.acrfence.v1.OpenRunRequest;
import io.keelson.acrfence.v1.OpenRunResponse;
import io.keelson.acrfence.v1.RestoreRequest;
import io.keelson.acrfence.v1.RestoreResponse;
import io.keelson.acrfence.v1.RevokeCapabilityRequest;
import io.keelson.acrfence.v1.RevokeCapabilityResponse;
import io.keelson.acrfence.v1.Tool;
import io.keelson.acrfence.v1.ToolArgument;
import io.keelson.acrfence.v1.VerifyChainRequest;
import io.keelson.acrfence.v1.VerifyChainResponse;
import io.keelson.common.grpc.GrpcErrors;
import io.keelson.common.grpc.UnaryCall;
import io.keelson.common.grpc.Violations;
import io.keelson.common.v1.Backend;
import io.keelson.common.v1.ErrorReason;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code keelson.acrfence.v1.AcrFenceService}: the fence's gRPC face. Every reply that touched the journal names its store. */
final class AcrFenceGrpcService extends AcrFenceServiceGrpc.AcrFenceServiceImplBase {

    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final Fence fence;
    private final ToolRegistry tools;
    private final Backend store;
    private final java.util.Set<String> toolHosts;

    /** @param toolHosts the hosts a registered tool may be called on (the operator's list; a client never widens it) */
    AcrFenceGrpcService(Fence fence, ToolRegistry tools, Backend store, java.util.Set<String> toolHosts) {
        this.fence = fence;
        this.tools = tools;
        this.store = store;
        this.toolHosts = java.util.Set.copyOf(toolHosts);
    }

    private static <T> void unary(StreamObserver<T> out, java.util.function.Supplier<T> handler) {
        UnaryCall.respond(out, handler, e -> e instanceof FenceException f ? Optional.of(status(f)) : Optional.empty());
    }

    static StatusRuntimeException status(FenceException e) {
        String description = e.getMessage().substring(e.field().length() + 2);
        return e.kind() == FenceException.Kind.INVALID
                ? GrpcErrors.invalidArgument(List.of(GrpcErrors.violation(e.field(), description)))
                : GrpcErrors.of(Status.Code.NOT_FOUND, ErrorReason.ERROR_REASON_NOT_FOUND, e.getMessage());
    }

    @Override
    public void listTools(ListToolsRequest request, StreamObserver<ListToolsResponse> out) {
        unary(out, () -> {
            ListToolsResponse.Builder b = ListToolsResponse.newBuilder();
            tools.schemas().forEach(schema -> b.addTools(wire(schema)));
            return b.build();
        });
    }

    private Tool wire(io.keelson.acrfence.core.tool.ToolSchema schema) {
        Tool.Builder t = Tool.newBuilder().setName(schema.name()).setVersion(schema.version())
                .setEffectClass(EffectClass.valueOf("EFFECT_CLASS_" + schema.effectClass().name()))
                .setRequiresCapability(schema.requiresCapability())
                .setReconcilable(tools.get(schema.name()).map(x -> x.endpoint().reconcilable()).orElse(false));
        for (ArgumentSpec a : schema.arguments()) {
            t.addArguments(ToolArgument.newBuilder().setName(a.name()).setType(a.type().name().toLowerCase(Locale.ROOT))
                    .setRequired(a.required()).setVolatile(a.role() == ArgumentSpec.Role.VOLATILE));
        }
        return t.build();
    }

    @Override
    public void registerTool(io.keelson.acrfence.v1.RegisterToolRequest request, StreamObserver<io.keelson.acrfence.v1.RegisterToolResponse> out) {
        unary(out, () -> {
            Violations v = new Violations();
            Tool t = request.getTool();
            List<ArgumentSpec> args = new java.util.ArrayList<>();
            for (int i = 0; i < t.getArgumentsCount(); i++) {
                ToolArgument a = t.getArguments(i);
                try {
                    args.add(new ArgumentSpec(a.getName(), ArgumentSpec.Type.valueOf(a.getType().toUpperCase(Locale.ROOT)), a.getRequired(),
                            a.getVolatile() ? ArgumentSpec.Role.VOLATILE : ArgumentSpec.Role.INTENT));
                } catch (IllegalArgumentException e) {
                    v.add("tool.arguments[" + i + "]", e.getMessage().startsWith("No enum") ? "type must be string, number, integer, boolean, object, array or any, was '"
                            + a.getType() + "'" : e.getMessage());
                }
            }
            io.keelson.acrfence.core.tool.EffectClass effect = t.getEffectClass() == EffectClass.EFFECT_CLASS_UNSPECIFIED
                    ? io.keelson.acrfence.core.tool.EffectClass.IRREVERSIBLE
                    : io.keelson.acrfence.core.tool.EffectClass.valueOf(t.getEffectClass().name().substring("EFFECT_CLASS_".length()));
            io.keelson.acrfence.core.tool.ToolSchema schema = null;
            try {
                schema = new io.keelson.acrfence.core.tool.ToolSchema(t.getName(), t.getVersion() == 0 ? 1 : t.getVersion(), effect, args,
                        t.getRequiresCapability());
            } catch (IllegalArgumentException e) {
                v.add(e.getMessage().startsWith("tool name") ? "tool.name" : e.getMessage().contains("version") ? "tool.version" : "tool.arguments",
                        e.getMessage());
            }
            Optional<java.net.URI> url = endpoint(v, "endpoint_url", request.getEndpointUrl(), true);
            Optional<java.net.URI> lookup = endpoint(v, "lookup_url", request.getLookupUrl(), false);
            v.throwIfAny();
            fence.registerHttpTool(schema, url.orElseThrow(), lookup);
            return io.keelson.acrfence.v1.RegisterToolResponse.newBuilder().setTool(wire(schema)).build();
        });
    }

    /** An http(s) URL on a host the operator allows; never a client's choice beyond that list. */
    private Optional<java.net.URI> endpoint(Violations v, String field, String text, boolean required) {
        if (text.isEmpty()) {
            v.check(!required, field, "is required");
            return Optional.empty();
        }
        try {
            java.net.URI uri = new java.net.URI(text);
            boolean ok = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null && uri.getUserInfo() == null;
            v.check(ok, field, "must be an http or https URL without credentials, was '" + text + "'");
            v.check(!ok || toolHosts.contains(uri.getHost()), field, "host '" + uri.getHost() + "' is not one the operator allows "
                    + toolHosts.stream().sorted().toList());
            return Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            v.add(field, "not a URL: " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void openRun(OpenRunRequest request, StreamObserver<OpenRunResponse> out) {
        unary(out, () -> OpenRunResponse.newBuilder().setBranch(wire(fence.openRun(request.getRunId()))).setBackend(store).build());
    }

    @Override
    public void invokeTool(InvokeToolRequest request, StreamObserver<InvokeToolResponse> out) {
        unary(out, () -> {
            Outcome o = fence.invoke(new Invocation(request.getRunId(), request.getBranchId(), request.getTool(), request.getArgumentsJson(),
                    request.getCapability().isEmpty() ? Optional.empty() : Optional.of(request.getCapability())));
            InvokeToolResponse.Builder b = InvokeToolResponse.newBuilder().setDecisionId(o.decisionId()).setBackend(store);
            if (o instanceof Outcome.PassedThrough p) {
                b.setDecision(Decision.DECISION_PASSED_THROUGH).setResultJson(p.result());
            } else if (o instanceof Outcome.Executed e) {
                b.setDecision(Decision.DECISION_EXECUTED).setEffectId(e.effectId()).setResultJson(e.result()).setReconciled(e.reconciled());
            } else if (o instanceof Outcome.Replayed r) {
                b.setDecision(Decision.DECISION_REPLAYED).setEffectId(r.effectId()).setResultJson(r.result());
            } else if (o instanceof Outcome.Blocked k) {
                b.setDecision(Decision.DECISION_BLOCKED).addAllPriorEffects(k.priorEffects()).setReason(k.reason());
            } else if (o instanceof Outcome.Refused r) {
                b.setDecision(Decision.DECISION_REFUSED).setRefusal(r.reason().name()).setReason(r.detail());
            } else if (o instanceof Outcome.Failed f) {
                b.setDecision(Decision.DECISION_FAILED).setEffectId(f.effectId()).setReason(f.error());
            } else {
                Outcome.Unknown u = (Outcome.Unknown) o;
                b.setDecision(Decision.DECISION_UNKNOWN).setEffectId(u.effectId()).setReason(u.error());
            }
            fence.decision(o.decisionId()).ifPresent(d -> {
                if (b.getReason().isEmpty()) {
                    b.setReason(d.reason());
                }
            });
            return b.build();
        });
    }

    @Override
    public void checkpoint(CheckpointRequest request, StreamObserver<CheckpointResponse> out) {
        unary(out, () -> CheckpointResponse.newBuilder().setCheckpointId(fence.checkpoint(request.getRunId(), request.getBranchId())).build());
    }

    @Override
    public void restore(RestoreRequest request, StreamObserver<RestoreResponse> out) {
        unary(out, () -> RestoreResponse.newBuilder().setBranch(wire(fence.restore(request.getRunId(), request.getCheckpointId()))).build());
    }

    @Override
    public void fork(ForkRequest request, StreamObserver<ForkResponse> out) {
        unary(out, () -> ForkResponse.newBuilder().setBranch(wire(fence.fork(request.getRunId(), request.getBranchId(), request.getReason(),
                request.getApprovedBy()))).build());
    }

    @Override
    public void grantCapability(GrantCapabilityRequest request, StreamObserver<GrantCapabilityResponse> out) {
        unary(out, () -> GrantCapabilityResponse.newBuilder().setCapability(fence.grant(request.getRunId(), request.getTool(), request.getMaxUses(),
                request.getBoundArgumentsJson().isEmpty() ? Optional.empty() : Optional.of(request.getBoundArgumentsJson()))).build());
    }

    @Override
    public void revokeCapability(RevokeCapabilityRequest request, StreamObserver<RevokeCapabilityResponse> out) {
        unary(out, () -> {
            fence.revoke(request.getCapability(), request.getReason());
            return RevokeCapabilityResponse.getDefaultInstance();
        });
    }

    @Override
    public void listEffects(ListEffectsRequest request, StreamObserver<ListEffectsResponse> out) {
        unary(out, () -> {
            Violations v = new Violations();
            int size = v.pageSize(request.getPageSize(), DEFAULT_PAGE, MAX_PAGE);
            String bound = request.getRunId() + "|" + request.getBranchId() + "|";
            int from = 0;
            if (!request.getPageToken().isEmpty()) {
                String token;
                try {
                    token = new String(Base64.getUrlDecoder().decode(request.getPageToken()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    token = "";
                }
                v.check(token.startsWith(bound) && token.substring(bound.length()).matches("[0-9]{1,9}"), "page_token",
                        "not a token of this list (run and branch must match the request that gave it)");
                from = token.startsWith(bound) && token.substring(bound.length()).matches("[0-9]{1,9}") ? Integer.parseInt(token.substring(bound.length())) : 0;
            }
            v.throwIfAny();
            List<Fence.EffectView> all = fence.effects(request.getRunId(), request.getBranchId().isEmpty() ? Optional.empty()
                    : Optional.of(request.getBranchId()));
            ListEffectsResponse.Builder b = ListEffectsResponse.newBuilder();
            int to = Math.min(all.size(), from + size);
            for (Fence.EffectView e : all.subList(Math.min(from, all.size()), to)) {
                b.addEffects(Effect.newBuilder().setEffectId(e.effectId()).setRunId(e.run()).setBranchId(e.branch()).setTool(e.tool())
                        .setIntentKey(e.intentKey()).setArgumentsJson(e.arguments()).setStatus(e.status().name()).setResultJson(e.result())
                        .setError(e.error()).setCapability(e.capability()).setAtUnixMillis(e.atMillis()));
            }
            if (to < all.size()) {
                b.setNextPageToken(Base64.getUrlEncoder().withoutPadding().encodeToString((bound + to).getBytes(StandardCharsets.UTF_8)));
            }
            return b.build();
        });
    }

    @Override
    public void verifyChain(VerifyChainRequest request, StreamObserver<VerifyChainResponse> out) {
        unary(out, () -> {
            ChainVerdict v = fence.verify();
            VerifyChainResponse.Builder b = VerifyChainResponse.newBuilder().setIntact(v.intact()).setRecords(v.records()).setHeadHash(v.headHash())
                    .setBackend(store);
            v.firstBroken().ifPresent(x -> b.setFirstBrokenSeq(x.seq()).setFirstBrokenReason(x.reason()));
            return b.build();
        });
    }

    @Override
    public void getDecision(GetDecisionRequest request, StreamObserver<GetDecisionResponse> out) {
        unary(out, () -> {
            Fence.DecisionView d = fence.decision(request.getDecisionId()).orElseThrow(() -> GrpcErrors.of(Status.Code.NOT_FOUND,
                    ErrorReason.ERROR_REASON_NOT_FOUND, "decision_id: no decision '" + request.getDecisionId() + "'"));
            return wire(d);
        });
    }

    @Override
    public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> out) {
        unary(out, () -> {
            ListRunsResponse.Builder b = ListRunsResponse.newBuilder().setBackend(store);
            fence.runs(request.getRunId().isEmpty() ? Optional.empty() : Optional.of(request.getRunId())).forEach((run, branches) ->
                    b.addRuns(Run.newBuilder().setRunId(run).addAllBranches(branches.stream().map(AcrFenceGrpcService::wire).toList())
                            .addAllDecisions(fence.decisions(run).stream().map(AcrFenceGrpcService::wire).toList())));
            return b.build();
        });
    }

    private static GetDecisionResponse wire(Fence.DecisionView d) {
        return GetDecisionResponse.newBuilder().setDecisionId(d.decisionId()).setRunId(d.run()).setBranchId(d.branch()).setTool(d.tool())
                .setDecision(d.decision()).setPriorEffect(d.priorEffect()).setReason(d.reason()).setAtUnixMillis(d.atMillis()).build();
    }

    private static Branch wire(Fence.BranchView b) {
        return Branch.newBuilder().setRunId(b.run()).setBranchId(b.branch()).setParentBranchId(b.parent()).setKind(b.kind().name().toLowerCase(Locale.ROOT))
                .setRestoredFrom(b.restoredFrom()).setEpoch(b.epoch()).setSuperseded(b.superseded()).addAllShadowEffects(b.shadow()).build();
    }
}
