package io.keelson.agentcgroup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code agentcgroup <command>}: the agentcgroup system from a shell. */
@Command(name = "agentcgroup", mixinStandardHelpOptions = true, version = "agentcgroup 0.1.0",
        description = "Tool-call-level resource control for AI agent sandboxes.",
        subcommands = {AnalyzeCommand.class, SimulateCommand.class})
public final class AgentCgroupCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentCgroupCli()).execute(args));
    }
}
