package io.keelson.gpuos.core.ir;

import io.keelson.gpuos.core.tensor.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the IR's text form, an S-expression: {@code (relu (add x0 (mul x1 0.5)))},
 * {@code (select (gt x0 0) x0 (mul x0 0.01))}, {@code (cast f16 x0)}. Atoms are inputs {@code x0..x3},
 * numbers, {@code inf}, {@code -inf}, {@code nan}; a list is a function symbol of {@link UnaryOp},
 * {@link BinaryOp}, {@code select} or {@code cast} followed by its operands. Errors give the character
 * position, so a client sees exactly what it got wrong.
 */
public final class ExprParser {

    /** Text that is not a valid expression; {@link #position} is the 0-based character index. */
    public static final class SyntaxException extends IllegalArgumentException {
        private final int position;

        SyntaxException(int position, String message) {
            super("at character " + position + ": " + message);
            this.position = position;
        }

        public int position() {
            return position;
        }
    }

    private final String text;
    private int at;

    private ExprParser(String text) {
        this.text = text;
    }

    public static Expr parse(String text) {
        ExprParser parser = new ExprParser(text);
        Expr expr = parser.expr(1);
        parser.skipSpace();
        if (parser.at < text.length()) {
            throw new SyntaxException(parser.at, "unexpected '" + text.charAt(parser.at) + "' after a complete expression");
        }
        return expr;
    }

    private Expr expr(int depth) {
        if (depth > OperatorSpec.MAX_DEPTH) {
            throw new SyntaxException(at, "nested deeper than " + OperatorSpec.MAX_DEPTH);
        }
        skipSpace();
        if (at >= text.length()) {
            throw new SyntaxException(at, "expected an expression, found the end");
        }
        if (text.charAt(at) == ')') {
            throw new SyntaxException(at, "expected an expression, found ')'");
        }
        if (text.charAt(at) != '(') {
            return atom();
        }
        int open = at++;
        skipSpace();
        int symbolAt = at;
        String symbol = word();
        if (symbol.isEmpty()) {
            throw new SyntaxException(symbolAt, "expected a function name after '('");
        }
        Expr result;
        if (symbol.equals("cast")) {
            skipSpace();
            int typeAt = at;
            String type = word();
            DType to;
            try {
                to = DType.valueOf(type.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SyntaxException(typeAt, "unknown type '" + type + "' (f32, f16, bf16, i32)");
            }
            result = new Expr.Cast(to, expr(depth + 1));
        } else {
            List<Expr> operands = new ArrayList<>();
            skipSpace();
            while (at < text.length() && text.charAt(at) != ')') {
                operands.add(expr(depth + 1));
                skipSpace();
            }
            if (at >= text.length()) {
                throw new SyntaxException(at, "missing ')' closing the '(' at character " + open);
            }
            result = apply(symbol, symbolAt, operands);
        }
        skipSpace();
        if (at >= text.length() || text.charAt(at) != ')') {
            throw new SyntaxException(at, "missing ')' closing the '(' at character " + open);
        }
        at++;
        return result;
    }

    private Expr apply(String symbol, int symbolAt, List<Expr> operands) {
        for (UnaryOp op : UnaryOp.values()) {
            if (op.symbol().equals(symbol)) {
                arity(symbol, symbolAt, operands, 1);
                return new Expr.Unary(op, operands.get(0));
            }
        }
        for (BinaryOp op : BinaryOp.values()) {
            if (op.symbol().equals(symbol)) {
                arity(symbol, symbolAt, operands, 2);
                return new Expr.Binary(op, operands.get(0), operands.get(1));
            }
        }
        if (symbol.equals("select")) {
            arity(symbol, symbolAt, operands, 3);
            return new Expr.Select(operands.get(0), operands.get(1), operands.get(2));
        }
        throw new SyntaxException(symbolAt, "unknown function '" + symbol + "'");
    }

    private static void arity(String symbol, int symbolAt, List<Expr> operands, int wanted) {
        if (operands.size() != wanted) {
            throw new SyntaxException(symbolAt, symbol + " takes " + wanted + " operand" + (wanted == 1 ? "" : "s")
                    + ", got " + operands.size());
        }
    }

    private Expr atom() {
        int start = at;
        String word = word();
        if (word.isEmpty()) {
            throw new SyntaxException(start, "unexpected '" + text.charAt(start) + "'");
        }
        if (word.matches("x[0-9]+")) {
            int index = Integer.parseInt(word.substring(1));
            if (index >= OperatorSpec.MAX_INPUTS) {
                throw new SyntaxException(start, "input " + word + " out of range: x0..x" + (OperatorSpec.MAX_INPUTS - 1));
            }
            return new Expr.Input(index);
        }
        switch (word) {
            case "inf":
                return new Expr.Constant(Float.POSITIVE_INFINITY);
            case "-inf":
                return new Expr.Constant(Float.NEGATIVE_INFINITY);
            case "nan":
                return new Expr.Constant(Float.NaN);
            default:
                break;
        }
        if (!word.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
            throw new SyntaxException(start, "'" + word + "' is neither an input (x0..x3) nor a number");
        }
        float value = Float.parseFloat(word);
        if (Float.isInfinite(value)) {
            throw new SyntaxException(start, word + " does not fit in f32 (write inf or -inf)");
        }
        return new Expr.Constant(value);
    }

    private String word() {
        int start = at;
        while (at < text.length() && !Character.isWhitespace(text.charAt(at)) && text.charAt(at) != '(' && text.charAt(at) != ')') {
            at++;
        }
        return text.substring(start, at);
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }
}
