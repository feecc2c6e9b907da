package io.keelson.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** Prints a bash/zsh completion script: {@code source <(keelson completion)}. */
@Command(name = "completion", mixinStandardHelpOptions = true, description = "Prints a bash (and zsh) completion script: source <(keelson completion).")
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("keelson", root));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
