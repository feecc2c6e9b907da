package io.keelson.agentcgroup.core.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * systemd-oomd's memory-pressure rule: a unit whose memory pressure stays above a limit (default 60 %) for a
 * duration (default 30 s) is killed, the one under most pressure first. Keyed by whatever names a unit (a
 * simulated tenant, a live session).
 */
public final class PressureKill<K> {

    public static final double DEFAULT_LIMIT = 0.60;
    public static final double DEFAULT_SECONDS = 30;

    private final double limit;
    private final double seconds;
    private final Map<K, Double> since = new HashMap<>();
    private final Map<K, Double> pressure = new HashMap<>();

    public PressureKill(double limit, double seconds) {
        this.limit = limit;
        this.seconds = seconds;
    }

    public double limit() {
        return limit;
    }

    public double seconds() {
        return seconds;
    }

    /** Records {@code unit}'s pressure (a fraction, PSI "some" avg10) at {@code now}. */
    public void observe(K unit, double fraction, double now) {
        pressure.put(unit, fraction);
        if (fraction > limit) {
            since.putIfAbsent(unit, now);
        } else {
            since.remove(unit);
        }
    }

    /** Stops tracking a unit that ended. */
    public void forget(K unit) {
        since.remove(unit);
        pressure.remove(unit);
    }

    /** Stops tracking every unit not in {@code live}. */
    public void retain(java.util.Collection<K> live) {
        since.keySet().retainAll(live);
        pressure.keySet().retainAll(live);
    }

    /** The unit to kill now, if any has been over the limit for the whole duration. */
    public Optional<K> victim(double now) {
        return since.entrySet().stream().filter(e -> now - e.getValue() >= seconds)
                .max((a, b) -> Double.compare(pressure.get(a.getKey()), pressure.get(b.getKey()))).map(Map.Entry::getKey);
    }
}
