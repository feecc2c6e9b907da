package io.keelson.schedcp.core.verify;

import io.keelson.common.os.Executables;
import io.keelson.schedcp.core.exec.SchedExt;

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
 * {@code skipped}), and kernel (load it only where {@code /sys/kernel/sched_ext} exists; elsewhere
 * {@code kernel-unsupported} - never a load that did not happen). The simulation stage runs policies the simulator
 * can execute, not BPF C.
 */
public final class BpfVerifier {

    public static final int MAX_SOURCE_BYTES = 256 * 1024;

    /** What a sched_ext scheduler never calls: writing user memory, overriding kernel returns, signals; and inline assembly. */
    private static final List<Pattern> UNSAFE = List.of(Pattern.compile("\\bbpf_probe_write_user\\b"), Pattern.compile("\\bbpf_override_return\\b"),
            Pattern.compile("\\bbpf_send_signal(_thread)?\\b"), Pattern.compile("\\b(__)?asm(__)?\\b"));
    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s*[<\"]([^>\"]+)[>\"]", Pattern.MULTILINE);

    private final Optional<Path> clang;
    private final Path schedExtRoot;

    public BpfVerifier(Optional<Path> clang, Path schedExtRoot) {
        this.clang = clang;
        this.schedExtRoot = schedExtRoot;
    }

    /** clang on the PATH, if any. */
    public static Optional<Path> clangOnPath() {
        return Executables.onPath("clang");
    }

    public VerificationReport verify(String source, Path workDir) {
        List<VerificationReport.Stage> stages = new ArrayList<>();
        VerificationReport.Stage statics = staticStage(source, workDir);
        stages.add(statics);
        if (statics.outcome() == VerificationReport.Outcome.REJECTED || statics.outcome() == VerificationReport.Outcome.FAILED) {
            return new VerificationReport(stages);
        }
        stages.add(new VerificationReport.Stage("simulation", VerificationReport.Outcome.SKIPPED,
                "BPF C does not run in the simulator; policies in the simulator's language do"));
        SchedExt kernel = SchedExt.probe(schedExtRoot);
        stages.add(kernel.supported()
                ? new VerificationReport.Stage("kernel", VerificationReport.Outcome.UNIMPLEMENTED, "sched_ext is present (state " + kernel.state()
                        + "); loading a compiled scheduler is not built yet")
                : new VerificationReport.Stage("kernel", VerificationReport.Outcome.KERNEL_UNSUPPORTED, "no " + schedExtRoot
                        + ": this kernel is built without CONFIG_SCHED_CLASS_EXT; nothing was loaded"));
        return new VerificationReport(stages);
    }

    private VerificationReport.Stage staticStage(String source, Path workDir) {
        if (source.getBytes(StandardCharsets.UTF_8).length > MAX_SOURCE_BYTES) {
            return new VerificationReport.Stage("static", VerificationReport.Outcome.REJECTED, "source_code: larger than " + MAX_SOURCE_BYTES / 1024 + " KiB");
        }
        if (!source.contains("struct_ops") && !source.contains("SCX_OPS_DEFINE")) {
            return new VerificationReport.Stage("static", VerificationReport.Outcome.REJECTED, "source_code: no sched_ext ops (SCX_OPS_DEFINE or a struct_ops section): not a scheduler");
        }
        for (Pattern p : UNSAFE) {
            Matcher m = p.matcher(source);
            if (m.find()) {
                return new VerificationReport.Stage("static", VerificationReport.Outcome.REJECTED, "source_code: line " + line(source, m.start()) + " uses '" + m.group()
                        + "', which a scheduler never needs");
            }
        }
        Matcher include = INCLUDE.matcher(source);
        while (include.find()) {
            if (include.group(1).startsWith("/") || include.group(1).contains("..")) {
                return new VerificationReport.Stage("static", VerificationReport.Outcome.REJECTED, "source_code: line " + line(source, include.start()) + " includes '" + include.group(1)
                        + "' outside the include path");
            }
        }
        if (clang.isEmpty()) {
            return new VerificationReport.Stage("static", VerificationReport.Outcome.SKIPPED, "checked for unsafe calls; not compiled: clang is not installed");
        }
        return compile(source, workDir);
    }

    private VerificationReport.Stage compile(String source, Path workDir) {
        try {
            Path src = Files.createTempFile(workDir, "scheduler-", ".bpf.c");
            Path obj = src.resolveSibling(src.getFileName().toString().replace(".bpf.c", ".bpf.o"));
            try {
                Files.writeString(src, source);
                Process p = new ProcessBuilder(clang.get().toString(), "-O2", "-g", "-target", "bpf", "-mcpu=v3", "-c", src.toString(), "-o", obj.toString())
                        .redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    return new VerificationReport.Stage("static", VerificationReport.Outcome.FAILED, "clang ran over 120 s");
                }
                return p.exitValue() == 0 ? new VerificationReport.Stage("static", VerificationReport.Outcome.PASSED, "compiled with clang -target bpf (" + Files.size(obj) + " bytes)")
                        : new VerificationReport.Stage("static", VerificationReport.Outcome.FAILED, "clang -target bpf failed:\n" + log.strip());
            } finally {
                Files.deleteIfExists(src);
                Files.deleteIfExists(obj);
            }
        } catch (IOException e) {
            return new VerificationReport.Stage("static", VerificationReport.Outcome.FAILED, "could not run clang: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new VerificationReport.Stage("static", VerificationReport.Outcome.FAILED, "interrupted");
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
