package io.keelson.gpuos.core.ir;

import io.keelson.gpuos.core.tensor.DType;

import java.util.Random;

/** Random well-formed expressions for property tests (seeded, so a failure reproduces). */
public final class RandomExprs {

    private RandomExprs() {
    }

    public static Expr expr(Random random, int arity, int depth) {
        if (depth == 0 || random.nextInt(4) == 0) {
            return random.nextInt(4) == 0
                    ? new Expr.Constant(random.nextInt(3) == 0 ? random.nextInt(5) - 2 : (float) random.nextGaussian())
                    : new Expr.Input(random.nextInt(arity));
        }
        switch (random.nextInt(6)) {
            case 0, 1:
                return new Expr.Unary(pick(random, UnaryOp.values()), expr(random, arity, depth - 1));
            case 2, 3:
                return new Expr.Binary(pick(random, BinaryOp.values()), expr(random, arity, depth - 1), expr(random, arity, depth - 1));
            case 4:
                return new Expr.Select(expr(random, arity, depth - 1), expr(random, arity, depth - 1), expr(random, arity, depth - 1));
            default:
                return new Expr.Cast(pick(random, DType.values()), expr(random, arity, depth - 1));
        }
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }
}
