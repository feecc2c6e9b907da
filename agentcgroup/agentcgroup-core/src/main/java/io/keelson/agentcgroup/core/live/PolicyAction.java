package io.keelson.agentcgroup.core.live;

/** What a live policy did to a session, why, and how long after the sample that decided it (to the completed write). */
public record PolicyAction(String session, Kind kind, String reason, long reactionNanos) {

    public enum Kind { LIMIT, FREEZE, THAW, KILL }
}
