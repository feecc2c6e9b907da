package io.keelson.sysom.core.trace;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A collective as PyTorch records it on the CPU side ({@code record_param_comms}, with {@code Collective name},
 * message sizes, group size and ranks, dtype): what the NCCL timeline model aligns across ranks.
 */
public record CollectiveCall(String collective, OptionalLong inElements, OptionalLong outElements, int groupSize, String ranks, String dtype,
                             String processGroup, double tsMicros, double durMicros) {

    /** The collective an event records, if it is one. */
    public static Optional<CollectiveCall> of(TraceEvent e) {
        return e.arg("Collective name").map(name -> new CollectiveCall(name, number(e, "In msg nelems"), number(e, "Out msg nelems"),
                (int) number(e, "Group size").orElse(0), e.arg("Process Group Ranks").orElse(""), e.arg("dtype").orElse(""),
                e.arg("Process Group Name").orElse(""), e.tsMicros(), e.durMicros()));
    }

    private static OptionalLong number(TraceEvent e, String key) {
        try {
            return e.arg(key).map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
        } catch (NumberFormatException x) {
            return OptionalLong.empty();
        }
    }
}
