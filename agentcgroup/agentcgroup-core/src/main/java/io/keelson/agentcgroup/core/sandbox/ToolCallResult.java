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

        /** The kernel killed it for memory: the limit it hit, and the advice. */
        record OutOfMemory(long limitBytes, long peakBytes) implements Verdict {
            @Override
            public String explain() {
                return "killed by the kernel: out of memory. The tool call's memory limit is " + limitBytes / (1024 * 1024)
                        + " MiB and it reached " + peakBytes / (1024 * 1024) + " MiB. Use less memory (smaller inputs, "
                        + "streaming instead of loading everything, fewer parallel jobs) or ask for a larger limit "
                        + "with a memory hint such as memory:2g.";
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
