package io.keelson.agentcgroup.core.live;

/** What a live policy did to a session, why, and how long after the sample that decided it (to the completed write). */
public record PolicyAction(String session, Kind kind, String reason, long reactionNanos) {

    /** LIMIT: a static or tuned limit; THROTTLE/RESUME: memory.high held and lifted; FREEZE/THAW; KILL. */
    public enum Kind { LIMIT, THROTTLE, RESUME, FREEZE, THAW, KILL }
}
