package io.keelson.wio.core.actor;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.keelson.wio.core.region.ActorSlot;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A storage actor's WebAssembly module, checked against the actor ABI ({@code wio/actors/keelson_actor.h}) before it
 * may run: it parses and validates; it defines its own memory and imports nothing (an actor reaches the world only
 * through its input and output buffers); it exports {@code input}, {@code output}, {@code init}, {@code configure}
 * and {@code process} with their types; it has no start function and no active data segment (either would write
 * over the actor's state whenever an instance is made on the other side). Compiled to JVM bytecode once (Chicory's
 * compiler), or run by the interpreter.
 */
public final class ActorModule {

    /** How instances run: Chicory's compiler (JVM bytecode) or its interpreter. */
    public enum Execution { COMPILED, INTERPRETED }

    /** A module that cannot be an actor, and why. */
    public static final class Rejected extends IllegalArgumentException {
        public Rejected(String message) {
            super(message);
        }
    }

    private static final Map<String, FunctionType> ABI = Map.of(
            "input", FunctionType.of(List.of(), List.of(ValType.I32)),
            "output", FunctionType.of(List.of(), List.of(ValType.I32)),
            "init", FunctionType.of(List.of(), List.of()),
            "configure", FunctionType.of(List.of(ValType.I32), List.of(ValType.I32)),
            "process", FunctionType.of(List.of(ValType.I32), List.of(ValType.I32)));

    private final String name;
    private final WasmModule module;
    private final Execution execution;
    private final Function<Instance, Machine> machine;

    private ActorModule(String name, WasmModule module, Execution execution, Function<Instance, Machine> machine) {
        this.name = name;
        this.module = module;
        this.execution = execution;
        this.machine = machine;
    }

    /**
     * @throws Rejected a module that is not valid WebAssembly or breaks the actor ABI (the message says which rule)
     */
    public static ActorModule load(String name, byte[] wasm, Execution execution) {
        if (wasm.length < 8 || wasm[0] != 0 || wasm[1] != 'a' || wasm[2] != 's' || wasm[3] != 'm') {
            throw new Rejected("module: not WebAssembly (no \\0asm magic)");
        }
        WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new Rejected("module: malformed: " + e.getMessage());
        }
        if (module.importSection().importCount() > 0) {
            throw new Rejected("module: imports " + module.importSection().getImport(0).module() + "." + module.importSection().getImport(0).name()
                    + "; an actor imports nothing");
        }
        if (module.memorySection().map(m -> m.memoryCount()).orElse(0) != 1) {
            throw new Rejected("module: must define exactly one memory (the actor's state)");
        }
        if (module.startSection().isPresent()) {
            throw new Rejected("module: has a start function; an actor starts only when init is called");
        }
        if (Arrays.stream(module.dataSection().dataSegments()).anyMatch(s -> s instanceof ActiveDataSegment)) {
            throw new Rejected("module: has an active data segment, which would overwrite the actor's state on the other side at a migration");
        }
        Instance probe;
        try {
            probe = Instance.builder(module).withMemoryFactory(ByteArrayMemory::new).build();
        } catch (ChicoryException e) {
            throw new Rejected("module: cannot be instantiated: " + e.getMessage());
        }
        ABI.forEach((export, type) -> {
            FunctionType actual;
            try {
                actual = probe.exportType(export);
            } catch (ChicoryException | IllegalArgumentException e) {
                throw new Rejected("module: does not export the function " + export);
            }
            if (actual == null || !actual.typesMatch(type)) {
                throw new Rejected("module: " + export + " has type " + actual + ", the ABI says " + type);
            }
        });
        Function<Instance, Machine> machine;
        try {
            machine = execution == Execution.COMPILED ? MachineFactoryCompiler.compile(module) : null;
        } catch (ChicoryException e) {
            throw new Rejected("module: cannot be compiled: " + e.getMessage());
        }
        return new ActorModule(name, module, execution, machine);
    }

    public String name() {
        return name;
    }

    public Execution execution() {
        return execution;
    }

    /** The module's own lower bound on its memory, in pages. */
    public int initialPages() {
        return module.memorySection().orElseThrow().getMemory(0).limits().initialPages();
    }

    /**
     * An instance on {@code slot}'s memory, each call within {@code limit}: the first instance there starts from zeroed
     * memory, a later one finds the actor's state.
     */
    public ActorInstance instantiate(ActorSlot slot, CallLimit limit) {
        var memory = slot.memory();
        Instance.Builder b = Instance.builder(module).withMemoryFactory(limits -> memory.adopt(limits));
        Optional.ofNullable(machine).ifPresent(b::withMachineFactory);
        return new ActorInstance(this, slot, b.build(), limit);
    }
}
