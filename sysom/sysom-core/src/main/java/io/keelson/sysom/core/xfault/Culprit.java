package io.keelson.sysom.core.xfault;

/** Where a fault sits: a rank (its GPU, host or NIC), or the network link from one rank to the next in a ring. */
public sealed interface Culprit {

    record Rank(int rank) implements Culprit {
        @Override
        public String toString() {
            return "rank " + rank;
        }
    }

    record Link(int from, int to) implements Culprit {
        @Override
        public String toString() {
            return "link " + from + "→" + to;
        }
    }
}
