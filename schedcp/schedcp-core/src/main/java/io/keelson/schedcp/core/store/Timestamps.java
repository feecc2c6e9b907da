package io.keelson.schedcp.core.store;

import java.time.Clock;
import java.time.temporal.ChronoUnit;

/** The times schedcp records, as ISO-8601 text to the microsecond: what every store (and PostgreSQL) keeps exactly. */
public final class Timestamps {

    private Timestamps() {
    }

    public static String now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS).toString();
    }
}
