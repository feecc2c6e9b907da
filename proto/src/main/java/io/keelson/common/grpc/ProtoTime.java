package io.keelson.common.grpc;

import com.google.protobuf.Timestamp;

import java.time.Instant;

/** {@link Instant} as the contracts' {@code google.protobuf.Timestamp}, to the nanosecond. */
public final class ProtoTime {

    private ProtoTime() {
    }

    public static Timestamp of(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
