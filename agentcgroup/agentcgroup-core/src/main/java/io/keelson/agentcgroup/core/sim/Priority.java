package io.keelson.agentcgroup.core.sim;

/** A session's priority: the policy protects HIGH and makes LOW wait. */
public enum Priority {
    HIGH,
    LOW
}
