package io.keelson.gpuos.core.ir;

import io.keelson.gpuos.core.tensor.DType;

/**
 * An operator's element-wise body: a small expression over its inputs, evaluated in f32 per element
 * of the task's iteration space. {@link #toString} is the canonical IR text that {@link ExprParser}
 * reads back, so equal expressions have equal text (the frontend caches compiled operators by it).
 */
public sealed interface Expr {

    /** One method per kind of node: Java 17 has no pattern matching over a sealed type in {@code switch}. */
    interface Visitor<R> {
        R input(Input input);

        R constant(Constant constant);

        R unary(Unary unary);

        R binary(Binary binary);

        R select(Select select);

        R cast(Cast cast);
    }

    <R> R accept(Visitor<R> visitor);

    /** The operands, left to right. */
    java.util.List<Expr> children();

    /** The {@code index}-th input tensor's element ({@code x0}, {@code x1}...). */
    record Input(int index) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.input(this);
        }

        @Override
        public java.util.List<Expr> children() {
            return java.util.List.of();
        }

        public Input {
            if (index < 0 || index >= OperatorSpec.MAX_INPUTS) {
                throw new IllegalArgumentException("input index must be 0.." + (OperatorSpec.MAX_INPUTS - 1) + ", was " + index);
            }
        }

        @Override
        public String toString() {
            return "x" + index;
        }
    }

    record Constant(float value) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.constant(this);
        }

        @Override
        public java.util.List<Expr> children() {
            return java.util.List.of();
        }

        @Override
        public String toString() {
            return Float.isFinite(value) ? Float.toString(value) : value != value ? "nan" : value > 0 ? "inf" : "-inf";
        }
    }

    record Unary(UnaryOp op, Expr operand) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.unary(this);
        }

        @Override
        public java.util.List<Expr> children() {
            return java.util.List.of(operand);
        }

        @Override
        public String toString() {
            return "(" + op.symbol() + " " + operand + ")";
        }
    }

    record Binary(BinaryOp op, Expr left, Expr right) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.binary(this);
        }

        @Override
        public java.util.List<Expr> children() {
            return java.util.List.of(left, right);
        }

        @Override
        public String toString() {
            return "(" + op.symbol() + " " + left + " " + right + ")";
        }
    }

    /** {@code condition != 0 ? ifTrue : ifFalse}. */
    record Select(Expr condition, Expr ifTrue, Expr ifFalse) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.select(this);
        }

        @Override
        public java.util.List<Expr> children() {
            return java.util.List.of(condition, ifTrue, ifFalse);
        }

        @Override
        public String toString() {
            return "(select " + condition + " " + ifTrue + " " + ifFalse + ")";
        }
    }

    /** Rounds the value to what {@code to} can hold (f16/bf16 nearest-even, i32 towards zero, saturating) and back to f32. */
    record Cast(DType to, Expr operand) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.cast(this);
        }

        @Override
        public java.util.List<Expr> children() {
            return java.util.List.of(operand);
        }

        @Override
        public String toString() {
            return "(cast " + to.name().toLowerCase(java.util.Locale.ROOT) + " " + operand + ")";
        }
    }

    static Expr x(int index) {
        return new Input(index);
    }
}
