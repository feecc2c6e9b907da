package io.keelson.gpuos.core.ir;

import io.keelson.gpuos.core.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExprParserTest {

    @Test
    void readsEveryKindOfNode() {
        Expr e = ExprParser.parse(" (select (gt x0 0) (cast f16 x0) (mul x1 -0.01e0))");
        assertThat(e).isEqualTo(new Expr.Select(
                new Expr.Binary(BinaryOp.GT, new Expr.Input(0), new Expr.Constant(0f)),
                new Expr.Cast(DType.F16, new Expr.Input(0)),
                new Expr.Binary(BinaryOp.MUL, new Expr.Input(1), new Expr.Constant(-0.01f))));
        assertThat(ExprParser.parse("(relu (neg inf))")).isEqualTo(
                new Expr.Unary(UnaryOp.RELU, new Expr.Unary(UnaryOp.NEG, new Expr.Constant(Float.POSITIVE_INFINITY))));
    }

    @Test
    void canonicalTextReadsBackToTheSameExpression() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            Expr e = RandomExprs.expr(random, 4, 5);
            assertThat(ExprParser.parse(e.toString())).as(e.toString()).isEqualTo(e);
        }
    }

    @Test
    void aSpecIsRebuiltFromItsSignature() {
        Random random = new Random(8);
        for (int i = 0; i < 500; i++) {
            int arity = 1 + random.nextInt(OperatorSpec.MAX_INPUTS);
            Optional<ReduceKind> reduce = random.nextBoolean() ? Optional.empty()
                    : Optional.of(ReduceKind.values()[random.nextInt(ReduceKind.values().length)]);
            OperatorSpec spec = new OperatorSpec("op" + i, arity, RandomExprs.expr(random, arity, 4), reduce);
            assertThat(OperatorSpec.fromSignature("op" + i, spec.signature())).isEqualTo(spec);
        }
        assertThatThrownBy(() -> OperatorSpec.fromSignature("x", "(add x0 x1)")).hasMessageContaining("signature");
        assertThatThrownBy(() -> OperatorSpec.fromSignature("x", "1:x0 reduce median")).hasMessageContaining("unknown reduction 'median'");
    }

    @Test
    void errorsGiveThePositionAndTheReason() {
        assertError("(add x0)", 1, "add takes 2 operands, got 1");
        assertError("(frob x0)", 1, "unknown function 'frob'");
        assertError("(add x0 x1", 10, "missing ')'");
        assertError("(add x0 x9)", 8, "input x9 out of range");
        assertError("(cast f64 x0)", 6, "unknown type 'f64'");
        assertError("(add x0 1e99)", 8, "does not fit in f32");
        assertError("(add x0 y)", 8, "'y' is neither an input");
        assertError("x0 x1", 3, "after a complete expression");
        assertError("", 0, "found the end");
        assertError(")", 0, "found ')'");
        assertError("(neg ".repeat(300) + "x0" + ")".repeat(300), 1280, "nested deeper than 256");
    }

    @Test
    void specsRefuseBodiesThatReadMissingInputsOrAreTooBig() {
        assertThatThrownBy(() -> OperatorSpec.elementwise("f", 1, ExprParser.parse("(add x0 x1)")))
                .isInstanceOfSatisfying(OperatorSpec.InvalidOperatorException.class, e -> assertThat(e.field()).isEqualTo("body"))
                .hasMessageContaining("reads x1 but the operator has 1 inputs");
        assertThatThrownBy(() -> OperatorSpec.elementwise("bad name!", 1, new Expr.Input(0)))
                .isInstanceOfSatisfying(OperatorSpec.InvalidOperatorException.class, e -> assertThat(e.field()).isEqualTo("name"));
        assertThatThrownBy(() -> OperatorSpec.elementwise("f", 5, new Expr.Input(0)))
                .isInstanceOfSatisfying(OperatorSpec.InvalidOperatorException.class, e -> assertThat(e.field()).isEqualTo("arity"));
        Expr wide = new Expr.Input(0);
        for (int i = 0; i < 13; i++) {
            wide = new Expr.Binary(BinaryOp.ADD, wide, wide); // 2^14 - 1 nodes as a tree
        }
        Expr tooWide = wide;
        assertThatThrownBy(() -> OperatorSpec.elementwise("f", 1, tooWide)).hasMessageContaining("nodes, at most 4096");
    }

    private static void assertError(String text, int position, String message) {
        assertThatThrownBy(() -> ExprParser.parse(text))
                .isInstanceOfSatisfying(ExprParser.SyntaxException.class, e -> assertThat(e.position()).isEqualTo(position))
                .hasMessageContaining(message);
    }
}
