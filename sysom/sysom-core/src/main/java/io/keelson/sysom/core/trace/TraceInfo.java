package io.keelson.sysom.core.trace;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** A trace's header: which rank of how many (from {@code distributedInfo}), the communication backend, the clock base. */
public record TraceInfo(OptionalInt rank, OptionalInt worldSize, Optional<String> backend, OptionalLong baseTimeNanos, ReadReport report) {
}
