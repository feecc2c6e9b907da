package io.keelson.gpuos.core.ir;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * A run-time operator as a client describes it: {@code arity} input tensors, an element-wise body,
 * and optionally a reduction that folds the body's values along the task's reduction axis.
 * Validated when made: every input the body reads exists and the body stays within the size a worker
 * compiles quickly ({@link #MAX_NODES} nodes, {@link #MAX_DEPTH} deep).
 */
public record OperatorSpec(String name, int arity, Expr body, Optional<ReduceKind> reduction) {

    public static final int MAX_INPUTS = 4;
    public static final int MAX_NODES = 4096;
    public static final int MAX_DEPTH = 256;

    /** A spec that breaks a rule; {@link #field} names what is wrong, as gRPC field violations want. */
    public static final class InvalidOperatorException extends IllegalArgumentException {
        private final String field;

        public InvalidOperatorException(String field, String message) {
            super(field + ": " + message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public OperatorSpec {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_.-]{0,63}")) {
            throw new InvalidOperatorException("name", "1-64 characters of letters, digits, '_', '.', '-', starting with a letter or '_'; was "
                    + (name == null ? "absent" : "'" + name + "'"));
        }
        if (arity < 1 || arity > MAX_INPUTS) {
            throw new InvalidOperatorException("arity", "must be 1.." + MAX_INPUTS + ", was " + arity);
        }
        Shape shape = measure(body);
        if (shape.nodes > MAX_NODES) {
            throw new InvalidOperatorException("body", shape.nodes + " nodes, at most " + MAX_NODES);
        }
        if (shape.depth > MAX_DEPTH) {
            throw new InvalidOperatorException("body", "nested " + shape.depth + " deep, at most " + MAX_DEPTH);
        }
        if (shape.maxInput >= arity) {
            throw new InvalidOperatorException("body", "reads x" + shape.maxInput + " but the operator has " + arity + " inputs");
        }
        reduction = reduction == null ? Optional.empty() : reduction;
    }

    public static OperatorSpec elementwise(String name, int arity, Expr body) {
        return new OperatorSpec(name, arity, body, Optional.empty());
    }

    public static OperatorSpec reducing(String name, int arity, Expr body, ReduceKind kind) {
        return new OperatorSpec(name, arity, body, Optional.of(kind));
    }

    /** The canonical text of what the operator computes (not its name): equal text, equal results. */
    public String signature() {
        return arity + ":" + body + reduction.map(r -> " reduce " + r.symbol()).orElse("");
    }

    /** The spec whose {@link #signature} is {@code signature}, named {@code name}: the inverse of {@link #signature}. */
    public static OperatorSpec fromSignature(String name, String signature) {
        int colon = signature.indexOf(':');
        if (colon < 1) {
            throw new InvalidOperatorException("signature", "expected '<arity>:<body>[ reduce <kind>]', got '" + signature + "'");
        }
        int arity;
        try {
            arity = Integer.parseInt(signature.substring(0, colon));
        } catch (NumberFormatException e) {
            throw new InvalidOperatorException("signature", "arity '" + signature.substring(0, colon) + "' is not a number");
        }
        String body = signature.substring(colon + 1);
        Optional<ReduceKind> reduction = Optional.empty();
        int reduce = body.lastIndexOf(" reduce ");
        if (reduce >= 0) {
            String symbol = body.substring(reduce + " reduce ".length());
            reduction = java.util.Arrays.stream(ReduceKind.values()).filter(k -> k.symbol().equals(symbol)).findFirst();
            if (reduction.isEmpty()) {
                throw new InvalidOperatorException("signature", "unknown reduction '" + symbol + "'");
            }
            body = body.substring(0, reduce);
        }
        return new OperatorSpec(name, arity, ExprParser.parse(body), reduction);
    }

    private record Shape(int nodes, int depth, int maxInput) {
    }

    private record Visit(Expr expr, int depth) {
    }

    /** Iterative, so a hostile body cannot overflow the stack before it is refused. */
    private static Shape measure(Expr body) {
        if (body == null) {
            throw new InvalidOperatorException("body", "is required");
        }
        int nodes = 0;
        int depth = 0;
        int maxInput = -1;
        Deque<Visit> pending = new ArrayDeque<>();
        pending.push(new Visit(body, 1));
        while (!pending.isEmpty() && nodes <= MAX_NODES) {
            Visit v = pending.pop();
            nodes++;
            depth = Math.max(depth, v.depth);
            for (Expr child : v.expr.children()) {
                pending.push(new Visit(child, v.depth + 1));
            }
            if (v.expr instanceof Expr.Input in) {
                maxInput = Math.max(maxInput, in.index());
            }
        }
        return new Shape(nodes, depth, maxInput);
    }
}
