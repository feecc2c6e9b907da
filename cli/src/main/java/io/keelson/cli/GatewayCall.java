package io.keelson.cli;

import com.google.protobuf.MessageOrBuilder;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** A command that makes one call through the gateway and prints the reply in the chosen format. */
abstract class GatewayCall implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    KeelsonCli root() {
        return (KeelsonCli) spec.root().userObject();
    }

    @Override
    public Integer call() throws Exception {
        try (Gateway gateway = root().connect()) {
            root().print(call(gateway));
        }
        return ExitCode.OK.code;
    }

    abstract MessageOrBuilder call(Gateway gateway) throws Exception;
}
