package io.keelson.wio.core.sched;

/** Where an actor runs. */
public enum Placement { HOST, DEVICE }
