package io.keelson.schedcp.core.verify;

import io.keelson.common.os.Executables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verifier's stages for a scheduler written as sched_ext BPF C, each with its own verdict: static (refuse what a
 * scheduler never needs and could abuse, then compile with {@code clang -target bpf} when clang is installed, else
 * {@code skipped}), and kernel ({@link KernelTrial}: attached for a short trial only where
 * {@code /sys/kernel/sched_ext} exists; elsewhere {@code kernel-unsupported} - never a load that did not happen). The
 * simulation stage runs policies the simulator can execute, not BPF C.
 */
public final class BpfVerifier {

    public static final int MAX_SOURCE_BYTES = 256 * 1024;

    /** What a sched_ext scheduler never calls: writing user memory, overriding kernel returns, signals; and inline assembly. */
    private static final List<Pattern> UNSAFE = List.of(Pattern.compile("\\bbpf_probe_write_user\\b"), Pattern.compile("\\bbpf_override_return\\b"),
            Pattern.compile("\\bbpf_send_signal(_thread)?\\b"), Pattern.compile("\\b(__)?asm(__)?\\b"));
    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s*[<\"]([^>\"]+)[>\"]", Pattern.MULTILINE);

    private final Optional<Path> clang;
    private final KernelTrial kernel;

    public BpfVerifier(Optional<Path> clang, KernelTrial kernel) {
        this.clang = clang;
        this.kernel = kernel;
    }

    /** clang on the PATH, if any. */
    public static Optional<Path> clangOnPath() {
        return Executables.onPath("clang");
    }

    public VerificationReport verify(String source, Path workDir) {
        List<VerificationReport.Stage> stages = new ArrayList<>();
        Compiled statics = staticStage(source, workDir);
        try {
            stages.add(statics.stage());
            if (statics.stage().outcome() == VerificationReport.Outcome.REJECTED || statics.stage().outcome() == VerificationReport.Outcome.FAILED) {
                return new VerificationReport(stages);
            }
            stages.add(new VerificationReport.Stage("simulation", VerificationReport.Outcome.SKIPPED,
                    "BPF C does not run in the simulator; policies in the simulator's language do"));
            stages.add(kernel.run(statics.object()));
            return new VerificationReport(stages);
        } finally {
            statics.object().ifPresent(BpfVerifier::delete);
        }
    }

    /** The static stage's verdict, and the object it compiled (kept for the kernel stage). */
    private record Compiled(VerificationReport.Stage stage, Optional<Path> object) {
        static Compiled not(VerificationReport.Outcome outcome, String detail) {
            return new Compiled(new VerificationReport.Stage("static", outcome, detail), Optional.empty());
        }
    }

    private Compiled staticStage(String source, Path workDir) {
        if (source.getBytes(StandardCharsets.UTF_8).length > MAX_SOURCE_BYTES) {
            return Compiled.not(VerificationReport.Outcome.REJECTED, "source_code: larger than " + MAX_SOURCE_BYTES / 1024 + " KiB");
        }
        if (!source.contains("struct_ops") && !source.contains("SCX_OPS_DEFINE")) {
            return Compiled.not(VerificationReport.Outcome.REJECTED, "source_code: no sched_ext ops (SCX_OPS_DEFINE or a struct_ops section): not a scheduler");
        }
        for (Pattern p : UNSAFE) {
            Matcher m = p.matcher(source);
            if (m.find()) {
                return Compiled.not(VerificationReport.Outcome.REJECTED, "source_code: line " + line(source, m.start()) + " uses '" + m.group()
                        + "', which a scheduler never needs");
            }
        }
        Matcher include = INCLUDE.matcher(source);
        while (include.find()) {
            if (include.group(1).startsWith("/") || include.group(1).contains("..")) {
                return Compiled.not(VerificationReport.Outcome.REJECTED, "source_code: line " + line(source, include.start()) + " includes '" + include.group(1)
                        + "' outside the include path");
            }
        }
        if (clang.isEmpty()) {
            return Compiled.not(VerificationReport.Outcome.SKIPPED, "checked for unsafe calls; not compiled: clang is not installed");
        }
        return compile(source, workDir);
    }

    private Compiled compile(String source, Path workDir) {
        Path obj = null;
        try {
            Path src = Files.createTempFile(workDir, "scheduler-", ".bpf.c");
            obj = src.resolveSibling(src.getFileName().toString().replace(".bpf.c", ".bpf.o"));
            try {
                Files.writeString(src, source);
                Process p = new ProcessBuilder(clang.get().toString(), "-O2", "-g", "-target", "bpf", "-mcpu=v3", "-c", src.toString(), "-o", obj.toString())
                        .redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    delete(obj);
                    return Compiled.not(VerificationReport.Outcome.FAILED, "clang ran over 120 s");
                }
                if (p.exitValue() != 0) {
                    delete(obj);
                    return Compiled.not(VerificationReport.Outcome.FAILED, "clang -target bpf failed:\n" + log.strip());
                }
                return new Compiled(new VerificationReport.Stage("static", VerificationReport.Outcome.PASSED,
                        "compiled with clang -target bpf (" + Files.size(obj) + " bytes)"), Optional.of(obj));
            } finally {
                Files.deleteIfExists(src);
            }
        } catch (IOException e) {
            if (obj != null) {
                delete(obj);
            }
            return Compiled.not(VerificationReport.Outcome.FAILED, "could not run clang: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            delete(obj);
            return Compiled.not(VerificationReport.Outcome.FAILED, "interrupted");
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stray object in the verifier's work directory; the next run's temp names differ
        }
    }

    private static int line(String source, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
