package io.keelson.agentcgroup.core.sandbox;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How one tool call ended, with what its cgroup measured.
 *
 * @param exitCode   the command's exit status (128 + signal when a signal ended it)
 * @param peakBytes  the group's memory high-water mark, where the kernel reports it
 * @param oomKills   processes the kernel OOM-killed in the call's group
 * @param cpu        CPU time of the call's processes, where cgroup2 reports it
 * @param output     the last bytes the command wrote (stdout and stderr together)
 */
public record ToolCallResult(String callId, int exitCode, OptionalLong peakBytes, long oomKills, Duration wall,
                             Optional<Duration> cpu, Verdict verdict, String output) {

    /** Why the call ended, in words an agent can act on. */
    public sealed interface Verdict {
        String explain();

        record Completed(int exitCode) implements Verdict {
            @Override
            public String explain() {
                return exitCode == 0 ? "completed" : "exited with status " + exitCode;
            }
        }

        /** The kernel killed it for memory: whose limit it hit (the call's own, its session's, or the host ran out), and the advice. */
        record OutOfMemory(Scope scope, long limitBytes, long peakBytes) implements Verdict {
            public enum Scope { CALL, SESSION, HOST }

            @Override
            public String explain() {
                String what = switch (scope) {
                    case CALL -> "The tool call's memory limit is " + limitBytes / (1024 * 1024) + " MiB and it reached ";
                    case SESSION -> "The session's memory limit is " + limitBytes / (1024 * 1024) + " MiB and the session reached ";
                    case HOST -> "The host ran out of memory (no limit of the call or its session was reached); the call had reached ";
                };
                return "killed by the kernel: out of memory. " + what + peakBytes / (1024 * 1024) + " MiB. Use less memory (smaller inputs, "
                        + "streaming instead of loading everything, fewer parallel jobs) or ask for a larger limit "
                        + "with a memory hint such as memory:2g.";
            }
        }

        /** The host's memory policy killed the call's session to save the others: which policy, and why. */
        record KilledByPolicy(String policy, String reason) implements Verdict {
            @Override
            public String explain() {
                return "killed by the host's memory policy (" + policy + "): " + reason + ". Nothing in the command failed; "
                        + "retry when the host has memory again, or with a smaller footprint.";
            }
        }

        /** Its session was closed while it ran, which kills everything in the session. */
        record SessionClosed() implements Verdict {
            @Override
            public String explain() {
                return "killed because its session was closed while it ran";
            }
        }

        record TimedOut(Duration limit) implements Verdict {
            @Override
            public String explain() {
                return "killed after the time limit of " + limit.toSeconds() + " s";
            }
        }
    }
}
