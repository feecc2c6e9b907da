package io.keelson.schedcp.core.verify;

import io.keelson.common.os.Executables;
import io.keelson.schedcp.core.exec.SchedExt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The verifier's kernel stage for a compiled sched_ext scheduler: attach it for a short trial, then detach it,
 * believing only what {@code /sys/kernel/sched_ext} says. {@code bpftool struct_ops register} loads the object (the
 * kernel's BPF verifier runs here; its log is the refusal) with the ops link pinned in a directory of ours on bpffs,
 * so the scheduler stays attached after bpftool exits; removing the pin detaches it and the kernel goes back to its
 * default scheduler. A scheduler the kernel ejects during the trial (its watchdog, a runtime error) fails the stage.
 * One sched_ext scheduler runs at a time: a trial never displaces one that is attached.
 */
public final class KernelTrial {

    private static final Duration POLL = Duration.ofMillis(20);

    /**
     * @param schedExtRoot {@code /sys/kernel/sched_ext}
     * @param bpftool      the loader, if installed
     * @param pinRoot      a bpffs directory ({@code /sys/fs/bpf}) the trial pins its link under
     * @param attachWithin how long sched_ext may take to report the scheduler attached
     * @param hold         how long it must stay attached to pass
     */
    public record Config(Path schedExtRoot, Optional<Path> bpftool, Path pinRoot, Duration attachWithin, Duration hold) {

        /** On this host: the real sched_ext and bpffs, bpftool from the PATH, 5 s to attach, held 2 s. */
        public static Config host(Path schedExtRoot) {
            return new Config(schedExtRoot, Executables.onPath("bpftool"), Path.of("/sys/fs/bpf"), Duration.ofSeconds(5), Duration.ofSeconds(2));
        }
    }

    private final Config config;

    public KernelTrial(Config config) {
        this.config = config;
    }

    /** The stage's verdict for {@code object}, the static stage's compiled scheduler (empty when nothing was compiled). */
    public VerificationReport.Stage run(Optional<Path> object) {
        SchedExt kernel = SchedExt.probe(config.schedExtRoot());
        if (!kernel.supported()) {
            return stage(VerificationReport.Outcome.KERNEL_UNSUPPORTED, "no " + config.schedExtRoot()
                    + ": this kernel is built without CONFIG_SCHED_CLASS_EXT; nothing was loaded");
        }
        if (object.isEmpty()) {
            return stage(VerificationReport.Outcome.SKIPPED, "sched_ext is present, but nothing was compiled to load (clang is not installed)");
        }
        if (config.bpftool().isEmpty()) {
            return stage(VerificationReport.Outcome.SKIPPED, "sched_ext is present, but bpftool (the loader) is not installed; nothing was loaded");
        }
        if (!kernel.state().equals("disabled")) {
            return stage(VerificationReport.Outcome.SKIPPED, "another sched_ext scheduler is attached (state " + kernel.state()
                    + kernel.ops().map(o -> ", ops " + o).orElse("") + "); one at a time, so this one was not loaded");
        }
        Path pins = config.pinRoot().resolve("keelson-schedcp-" + UUID.randomUUID());
        try {
            Files.createDirectories(pins);
        } catch (IOException e) {
            return stage(VerificationReport.Outcome.FAILED, "cannot pin on bpffs at " + config.pinRoot() + ": " + e.getMessage() + "; nothing was loaded");
        }
        try {
            return trial(object.get(), pins);
        } catch (IOException e) {
            return stage(VerificationReport.Outcome.FAILED, "could not run bpftool: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stage(VerificationReport.Outcome.FAILED, "interrupted");
        } finally {
            unpin(pins); // whatever happened, nothing of ours stays attached
        }
    }

    private VerificationReport.Stage trial(Path object, Path pins) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(config.bpftool().get().toString(), "struct_ops", "register", object.toString(), pins.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return stage(VerificationReport.Outcome.FAILED, "bpftool struct_ops register ran over 30 s");
        }
        if (p.exitValue() != 0) {
            return stage(VerificationReport.Outcome.FAILED, "the kernel refused to load it (bpftool struct_ops register, exit " + p.exitValue() + "):\n" + log);
        }
        long start = System.nanoTime();
        SchedExt now = SchedExt.probe(config.schedExtRoot());
        while (!(now.state().equals("enabled") && now.ops().isPresent()) && elapsed(start).compareTo(config.attachWithin()) < 0) {
            Thread.sleep(POLL.toMillis());
            now = SchedExt.probe(config.schedExtRoot());
        }
        if (!now.state().equals("enabled") || now.ops().isEmpty()) {
            return stage(VerificationReport.Outcome.FAILED, "loaded, but sched_ext did not attach it within " + config.attachWithin().toMillis()
                    + " ms (state " + now.state() + ")");
        }
        String ops = now.ops().get();
        long attached = System.nanoTime();
        while (elapsed(attached).compareTo(config.hold()) < 0) {
            Thread.sleep(POLL.toMillis());
            SchedExt during = SchedExt.probe(config.schedExtRoot());
            if (!during.state().equals("enabled") || !during.ops().equals(Optional.of(ops))) {
                return stage(VerificationReport.Outcome.FAILED, "attached as ops '" + ops + "', then the kernel ejected it after "
                        + elapsed(attached).toMillis() + " ms (state " + during.state() + "; the kernel log says why)");
            }
        }
        unpin(pins);
        long detaching = System.nanoTime();
        SchedExt after = SchedExt.probe(config.schedExtRoot());
        while (!after.state().equals("disabled") && elapsed(detaching).compareTo(config.attachWithin()) < 0) {
            Thread.sleep(POLL.toMillis());
            after = SchedExt.probe(config.schedExtRoot());
        }
        if (!after.state().equals("disabled")) {
            return stage(VerificationReport.Outcome.FAILED, "attached as ops '" + ops + "' and held " + config.hold().toMillis()
                    + " ms, but still " + after.state() + " after its link was unpinned");
        }
        return stage(VerificationReport.Outcome.PASSED, "attached as ops '" + ops + "', held " + config.hold().toMillis()
                + " ms, detached; the kernel's default scheduler is back");
    }

    private static Duration elapsed(long sinceNanos) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }

    /** Removes the pinned link (the last reference: the scheduler detaches) and our directory. */
    private static void unpin(Path pins) {
        if (!Files.exists(pins)) {
            return;
        }
        try (Stream<Path> files = Files.walk(pins)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot unpin " + pins + ": the scheduler may still be attached", e);
        }
    }

    private static VerificationReport.Stage stage(VerificationReport.Outcome outcome, String detail) {
        return new VerificationReport.Stage("kernel", outcome, detail);
    }
}
