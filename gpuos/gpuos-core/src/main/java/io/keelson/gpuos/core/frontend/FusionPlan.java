package io.keelson.gpuos.core.frontend;

import io.keelson.gpuos.core.ir.Expr;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.tensor.DType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which pending tensors are computed (kernels) and which are fused into their consumer.
 * A pending element-wise tensor is fused when it has exactly one consumer, that consumer walks it
 * element for element (same shape, no broadcast or transpose) and does not change its type, and the
 * fused body stays within {@link #MAX_FUSED_NODES} nodes and {@link OperatorSpec#MAX_INPUTS} inputs.
 * Everything else pending is computed: tensors nobody consumed (the results), reductions, and
 * tensors read twice or through a view.
 */
final class FusionPlan {

    static final int MAX_FUSED_NODES = 64;

    /** One launch to make: compute {@code tensor} as {@code body} over {@code leaves}. */
    record Kernel(Tensor tensor, Expr body, List<Operand> leaves) {
    }

    // sized for the whole recording up front: growing identity maps cost more than planning itself
    private final Map<Tensor, Integer> consumers;
    private final Set<Tensor> fused;
    private final Set<Tensor> computed;
    private final Map<Tensor, Integer> size;
    private final Map<Tensor, Set<Operand>> leaves;
    private final List<Kernel> kernels = new ArrayList<>();

    /** @param pending the pending tensors to compute, in the order they were recorded (a topological order) */
    FusionPlan(List<Tensor> pending) {
        int n = pending.size() * 2;
        consumers = new IdentityHashMap<>(n);
        fused = java.util.Collections.newSetFromMap(new IdentityHashMap<>(n));
        computed = java.util.Collections.newSetFromMap(new IdentityHashMap<>(n));
        size = new IdentityHashMap<>(n);
        leaves = new IdentityHashMap<>(n);
        for (Tensor t : pending) {
            for (Operand o : t.node().operands()) {
                consumers.merge(o.tensor(), 1, Integer::sum);
            }
        }
        for (Tensor t : pending) {
            decide(t);
        }
        for (Tensor t : pending) {
            if (computed.contains(t)) {
                List<Operand> order = new ArrayList<>();
                Expr body = build(t, order);
                kernels.add(new Kernel(t, body, order));
            }
        }
    }

    List<Kernel> kernels() {
        return kernels;
    }

    int fusedAway() {
        return fused.size();
    }

    private void decide(Tensor t) {
        Tensor.Node node = t.node();
        List<Operand> operands = node.operands();
        boolean[] inline = new boolean[operands.size()];
        int nodes = nodeCount(node.body());
        for (int j = 0; j < operands.size(); j++) {
            Operand o = operands.get(j);
            if (fusible(o.tensor(), o, node) && nodes + size.get(o.tensor()) <= MAX_FUSED_NODES) {
                inline[j] = true;
                nodes += size.get(o.tensor());
            }
        }
        Set<Operand> own = leavesOf(operands, inline);
        while (own.size() > OperatorSpec.MAX_INPUTS) {
            // too many inputs: compute the fused producer that brings the most of them instead
            int widest = -1;
            for (int j = 0; j < operands.size(); j++) {
                if (inline[j] && (widest < 0 || leaves.get(operands.get(j).tensor()).size() > leaves.get(operands.get(widest).tensor()).size())) {
                    widest = j;
                }
            }
            inline[widest] = false;
            nodes -= size.get(operands.get(widest).tensor());
            own = leavesOf(operands, inline);
        }
        for (int j = 0; j < operands.size(); j++) {
            Tensor p = operands.get(j).tensor();
            if (inline[j]) {
                fused.add(p);
            } else if (!p.isComputed()) {
                computed.add(p);
            }
        }
        size.put(t, nodes);
        leaves.put(t, own);
        if (consumers.getOrDefault(t, 0) == 0 || node.kind() == Tensor.Kind.REDUCE) {
            computed.add(t);
        }
    }

    private Set<Operand> leavesOf(List<Operand> operands, boolean[] inline) {
        Set<Operand> own = new LinkedHashSet<>();
        for (int j = 0; j < operands.size(); j++) {
            if (inline[j]) {
                own.addAll(leaves.get(operands.get(j).tensor()));
            } else {
                own.add(operands.get(j));
            }
        }
        return own;
    }

    private boolean fusible(Tensor p, Operand o, Tensor.Node consumer) {
        return !p.isComputed() && p.node().kind() == Tensor.Kind.ELEMENTWISE && consumers.get(p) == 1 && !computed.contains(p)
                && o.isIdentity(consumer.iteration()) && !(p.node().body() instanceof Expr.Cast) && size.containsKey(p);
    }

    /** {@code t}'s body with fused producers substituted in; its leaves are appended to {@code order}. */
    private Expr build(Tensor t, List<Operand> order) {
        Tensor.Node node = t.node();
        Map<Integer, Expr> operandExprs = new HashMap<>();
        for (int j = 0; j < node.operands().size(); j++) {
            Operand o = node.operands().get(j);
            if (fused.contains(o.tensor()) && !computed.contains(o.tensor())) {
                Expr inlined = build(o.tensor(), order);
                // a fused intermediate keeps its own type's rounding, as if it had been stored
                operandExprs.put(j, o.tensor().dtype() == DType.F32 ? inlined : new Expr.Cast(o.tensor().dtype(), inlined));
            } else {
                int index = order.indexOf(o);
                if (index < 0) {
                    order.add(o);
                    index = order.size() - 1;
                }
                operandExprs.put(j, Expr.x(index));
            }
        }
        return substitute(node.body(), operandExprs);
    }

    private static Expr substitute(Expr body, Map<Integer, Expr> operands) {
        return body.accept(new Expr.Visitor<>() {
            @Override
            public Expr input(Expr.Input input) {
                return operands.get(input.index());
            }

            @Override
            public Expr constant(Expr.Constant constant) {
                return constant;
            }

            @Override
            public Expr unary(Expr.Unary unary) {
                return new Expr.Unary(unary.op(), substitute(unary.operand(), operands));
            }

            @Override
            public Expr binary(Expr.Binary binary) {
                return new Expr.Binary(binary.op(), substitute(binary.left(), operands), substitute(binary.right(), operands));
            }

            @Override
            public Expr select(Expr.Select select) {
                return new Expr.Select(substitute(select.condition(), operands), substitute(select.ifTrue(), operands),
                        substitute(select.ifFalse(), operands));
            }

            @Override
            public Expr cast(Expr.Cast cast) {
                return new Expr.Cast(cast.to(), substitute(cast.operand(), operands));
            }
        });
    }

    private static int nodeCount(Expr e) {
        int n = 1;
        for (Expr child : e.children()) {
            n += nodeCount(child);
        }
        return n;
    }
}
