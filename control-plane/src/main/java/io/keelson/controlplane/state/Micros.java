package io.keelson.controlplane.state;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Instants as microseconds since the epoch: the one time encoding in every table. */
final class Micros {

    private Micros() {
    }

    static long of(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    static Instant toInstant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
