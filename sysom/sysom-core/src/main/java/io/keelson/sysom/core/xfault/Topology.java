package io.keelson.sysom.core.xfault;

import java.util.ArrayList;
import java.util.List;

/**
 * How a job's ranks are grouped: {@code tp}-way tensor parallel groups (fastest varying, inside a node),
 * {@code dp}-way data parallel groups, {@code pp} pipeline stages (rank = stage·dp·tp + dpIndex·tp + tpIndex,
 * Megatron's order).
 */
public record Topology(int dp, int tp, int pp) {

    public Topology {
        if (dp < 1 || tp < 1 || pp < 1) {
            throw new IllegalArgumentException("dp, tp and pp must be at least 1, were " + dp + ", " + tp + ", " + pp);
        }
    }

    public int ranks() {
        return dp * tp * pp;
    }

    public int stage(int rank) {
        return rank / (dp * tp);
    }

    public int dpIndex(int rank) {
        return rank / tp % dp;
    }

    public int tpIndex(int rank) {
        return rank % tp;
    }

    public int rank(int stage, int dpIndex, int tpIndex) {
        return stage * dp * tp + dpIndex * tp + tpIndex;
    }

    /** The tensor-parallel groups, each in ring order. */
    public List<List<Integer>> tpGroups() {
        List<List<Integer>> groups = new ArrayList<>();
        for (int s = 0; s < pp; s++) {
            for (int d = 0; d < dp; d++) {
                List<Integer> g = new ArrayList<>();
                for (int t = 0; t < tp; t++) {
                    g.add(rank(s, d, t));
                }
                groups.add(g);
            }
        }
        return groups;
    }

    /** The data-parallel groups, each in ring order. */
    public List<List<Integer>> dpGroups() {
        List<List<Integer>> groups = new ArrayList<>();
        for (int s = 0; s < pp; s++) {
            for (int t = 0; t < tp; t++) {
                List<Integer> g = new ArrayList<>();
                for (int d = 0; d < dp; d++) {
                    g.add(rank(s, d, t));
                }
                groups.add(g);
            }
        }
        return groups;
    }

    /** Adjacent pipeline stages exchanging activations: pairs (stage s, stage s+1) of the same dp and tp index. */
    public List<List<Integer>> ppPairs() {
        List<List<Integer>> pairs = new ArrayList<>();
        for (int s = 0; s + 1 < pp; s++) {
            for (int d = 0; d < dp; d++) {
                for (int t = 0; t < tp; t++) {
                    pairs.add(List.of(rank(s, d, t), rank(s + 1, d, t)));
                }
            }
        }
        return pairs;
    }

    @Override
    public String toString() {
        return ranks() + " ranks (dp " + dp + " × tp " + tp + " × pp " + pp + ")";
    }
}
