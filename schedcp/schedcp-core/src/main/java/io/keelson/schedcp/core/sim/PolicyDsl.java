package io.keelson.schedcp.core.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A small language in which an agent writes a policy the simulator (and so the verifier) can run:
 * <pre>
 * policy longest_first
 * order by work desc, arrival asc
 * slice to-completion
 * </pre>
 * {@code order by} lists keys (arrival, work, remaining, deadline, vruntime, id), each asc or desc; {@code slice} is a
 * duration ({@code 3ms}, {@code 500us}) or {@code to-completion}. Ordering by vruntime makes it a fair policy (tasks are
 * charged weighted run time and arrive at the queue's minimum). {@code #} starts a comment. Errors name the line and column.
 */
public final class PolicyDsl {

    /** A source that is not a policy; the message starts with {@code line L, column C:}. */
    public static final class SyntaxError extends IllegalArgumentException {
        private final int line;
        private final int column;

        SyntaxError(int line, int column, String message) {
            super("line " + line + ", column " + column + ": " + message);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    private static final Map<String, ToLongFunction<TaskState>> KEYS = Map.of(
            "arrival", TaskState::readySinceMicros,
            "work", t -> t.task().workMicros(),
            "remaining", TaskState::remainingMicros,
            "deadline", t -> t.task().deadlineMicros(),
            "vruntime", TaskState::vruntime,
            "id", t -> t.task().id());

    /** A parsed policy: make a fresh {@link SchedPolicy} for each simulation with {@link #instantiate()}. */
    public record Definition(String name, Comparator<TaskState> order, long slice, boolean fair) {
        public SchedPolicy instantiate() {
            return fair ? Policies.fair(name, order, slice) : new QueuePolicy(name, order, slice);
        }
    }

    private PolicyDsl() {
    }

    public static boolean looksLikePolicy(String source) {
        return source.stripLeading().startsWith("policy ");
    }

    public static Definition parse(String source) {
        String name = null;
        Comparator<TaskState> order = null;
        boolean fair = false;
        Long slice = null;
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).stripTrailing();
            if (line.isBlank()) {
                continue;
            }
            int col = line.length() - line.stripLeading().length() + 1;
            String text = line.strip();
            int n = i + 1;
            if (text.startsWith("policy ")) {
                name = text.substring("policy ".length()).strip();
                if (!name.matches("[a-z][a-z0-9_]{0,39}")) {
                    throw new SyntaxError(n, col + "policy ".length(), "a policy name is lower-case letters, digits and _, up to 40, was '" + name + "'");
                }
            } else if (text.startsWith("order by ")) {
                List<Comparator<TaskState>> parts = new ArrayList<>();
                int at = col + "order by ".length();
                for (String term : text.substring("order by ".length()).split(",", -1)) {
                    int lead = term.length() - term.stripLeading().length();
                    String[] words = term.strip().split("\\s+");
                    ToLongFunction<TaskState> key = KEYS.get(words[0].toLowerCase(Locale.ROOT));
                    if (key == null || words[0].isEmpty()) {
                        throw new SyntaxError(n, at + lead, "unknown key '" + words[0] + "' (arrival, work, remaining, deadline, vruntime, id)");
                    }
                    if (words.length > 2 || words.length == 2 && !words[1].equals("asc") && !words[1].equals("desc")) {
                        throw new SyntaxError(n, at + lead + words[0].length() + 1, "after a key: asc or desc");
                    }
                    fair |= words[0].equals("vruntime");
                    Comparator<TaskState> c = Comparator.comparingLong(key);
                    parts.add(words.length == 2 && words[1].equals("desc") ? c.reversed() : c);
                    at += term.length() + 1;
                }
                order = parts.stream().reduce(Comparator::thenComparing).orElseThrow();
            } else if (text.startsWith("slice ")) {
                slice = slice(text.substring("slice ".length()).strip(), n, col + "slice ".length());
            } else {
                throw new SyntaxError(n, col, "expected 'policy NAME', 'order by KEY [asc|desc], ...' or 'slice DURATION|to-completion'");
            }
        }
        if (name == null) {
            throw new SyntaxError(1, 1, "a policy starts with 'policy NAME'");
        }
        if (order == null) {
            throw new SyntaxError(lines.length, 1, "missing 'order by ...'");
        }
        return new Definition(name, order, slice == null ? Policies.FAIR_SLICE_MICROS : slice, fair);
    }

    private static long slice(String value, int line, int column) {
        if (value.equals("to-completion")) {
            return SchedPolicy.TO_COMPLETION;
        }
        try {
            if (value.endsWith("ms")) {
                return positive(Math.multiplyExact(Long.parseLong(value.substring(0, value.length() - 2)), 1000L), line, column);
            }
            if (value.endsWith("us")) {
                return positive(Long.parseLong(value.substring(0, value.length() - 2)), line, column);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        throw new SyntaxError(line, column, "a slice is like 3ms, 500us or to-completion, was '" + value + "'");
    }

    private static long positive(long micros, int line, int column) {
        if (micros <= 0) {
            throw new SyntaxError(line, column, "a slice must be positive");
        }
        return micros;
    }
}
