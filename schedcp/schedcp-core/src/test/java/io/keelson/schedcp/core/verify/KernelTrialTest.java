package io.keelson.schedcp.core.verify;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel stage against a fake {@code /sys/kernel/sched_ext} and stand-in bpftools that act as the kernel would:
 * attach (the ops name appears while the pinned link exists), refuse with a verifier log, never attach, or eject the
 * scheduler during the trial. What counts is only what the fake sched_ext says, as on a real kernel.
 */
class KernelTrialTest {

    @TempDir
    Path dir;

    private Path sysfs(String state) throws IOException {
        Path root = Files.createDirectories(dir.resolve("sched_ext"));
        Files.createDirectories(root.resolve("root"));
        Files.writeString(root.resolve("state"), state + "\n");
        return root;
    }

    /** A bpftool whose "struct_ops register OBJ DIR" runs {@code body} with $root (the fake sched_ext) and $pins (DIR). */
    private Path bpftool(Path root, String body) throws IOException {
        Path script = dir.resolve("bpftool");
        Files.writeString(script, "#!/bin/sh\nroot='" + root + "'\npins=\"$4\"\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** Attaches as ops {@code ops} while $pins/link exists, as the kernel keeps a struct_ops link's scheduler. */
    private static String attaching(String ops, String whileAttached) {
        return "echo enabled > \"$root/state\"; echo " + ops + " > \"$root/root/ops\"; : > \"$pins/link\"\n"
                + "( " + whileAttached + " while [ -e \"$pins/link\" ]; do sleep 0.02; done; : > \"$root/root/ops\"; echo disabled > \"$root/state\" ) "
                + ">/dev/null 2>&1 &\nexit 0\n";
    }

    private VerificationReport.Stage trial(Path root, Optional<Path> bpftool, Optional<Path> object) throws IOException {
        Path pins = Files.createDirectories(dir.resolve("bpffs"));
        return new KernelTrial(new KernelTrial.Config(root, bpftool, pins, Duration.ofSeconds(2), Duration.ofMillis(300))).run(object);
    }

    private Path object() throws IOException {
        return Files.writeString(dir.resolve("scheduler.bpf.o"), "not really ELF: the stand-in does not read it");
    }

    @Test
    void aSchedulerThatAttachesAndStaysPassesAndIsDetachedAfterwards() throws Exception {
        Path root = sysfs("disabled");
        VerificationReport.Stage stage = trial(root, Optional.of(bpftool(root, attaching("keelson_fifo", ""))), Optional.of(object()));
        assertThat(stage.outcome()).as(stage.detail()).isEqualTo(VerificationReport.Outcome.PASSED);
        assertThat(stage.detail()).contains("ops 'keelson_fifo'").contains("detached");
        assertThat(Files.readString(root.resolve("state")).strip()).as("the default scheduler is back").isEqualTo("disabled");
        try (var left = Files.list(dir.resolve("bpffs"))) {
            assertThat(left).as("no pin of ours left on bpffs").isEmpty();
        }
    }

    @Test
    void aSchedulerTheKernelEjectsDuringTheTrialFails() throws Exception {
        Path root = sysfs("disabled");
        // the watchdog kicks it out 100 ms in: sched_ext disables it while the link is still pinned
        String eject = "sleep 0.1; : > \"$root/root/ops\"; echo disabled > \"$root/state\"; exit 0;";
        VerificationReport.Stage stage = trial(root, Optional.of(bpftool(root, attaching("keelson_bad", eject))), Optional.of(object()));
        assertThat(stage.outcome()).isEqualTo(VerificationReport.Outcome.FAILED);
        assertThat(stage.detail()).contains("ops 'keelson_bad'").contains("ejected");
    }

    @Test
    void theKernelsRefusalIsTheVerdictWithItsLog() throws Exception {
        Path root = sysfs("disabled");
        Path refusing = bpftool(root, "echo 'libbpf: prog keelson_enqueue: BPF program load failed: Permission denied' >&2\n"
                + "echo 'R1 invalid mem access scalar' >&2\nexit 255\n");
        VerificationReport.Stage stage = trial(root, Optional.of(refusing), Optional.of(object()));
        assertThat(stage.outcome()).isEqualTo(VerificationReport.Outcome.FAILED);
        assertThat(stage.detail()).contains("exit 255").contains("R1 invalid mem access");
        Path silent = bpftool(root, "exit 0\n");
        VerificationReport.Stage notAttached = trial(root, Optional.of(silent), Optional.of(object()));
        assertThat(notAttached.outcome()).isEqualTo(VerificationReport.Outcome.FAILED);
        assertThat(notAttached.detail()).as("loading is not attaching").contains("did not attach");
    }

    @Test
    void nothingIsLoadedWithoutSchedExtALoaderAnObjectOrWhileAnotherSchedulerRuns() throws Exception {
        assertThat(trial(dir.resolve("absent"), Optional.empty(), Optional.empty()).outcome()).isEqualTo(VerificationReport.Outcome.KERNEL_UNSUPPORTED);
        Path root = sysfs("disabled");
        Path loader = bpftool(root, "echo loaded > \"$root/touched\"\nexit 0\n");
        assertThat(trial(root, Optional.of(loader), Optional.empty()).detail()).contains("nothing was compiled");
        assertThat(trial(root, Optional.empty(), Optional.of(object())).detail()).contains("bpftool");
        Files.writeString(root.resolve("state"), "enabled\n");
        Files.writeString(root.resolve("root/ops"), "rusty\n");
        VerificationReport.Stage busy = trial(root, Optional.of(loader), Optional.of(object()));
        assertThat(busy.outcome()).isEqualTo(VerificationReport.Outcome.SKIPPED);
        assertThat(busy.detail()).contains("ops rusty").contains("one at a time");
        assertThat(root.resolve("touched")).as("the loader never ran").doesNotExist();
    }

    /** The smallest sched_ext scheduler: no callbacks, so sched_ext's defaults (a global FIFO) schedule everything. */
    private static final String MINIMAL = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            char _license[] SEC("license") = "GPL";
            SEC(".struct_ops.link")
            struct sched_ext_ops keelson_min_ops = { .name = "keelson_min" };
            """;

    @Test
    void onAKernelWithSchedExtARealSchedulerIsCompiledAttachedHeldAndDetached() throws Exception {
        Path schedExt = Path.of("/sys/kernel/sched_ext");
        Assumptions.assumeTrue(Files.isDirectory(schedExt), "this kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT): "
                + "the trial is checked above against stand-ins");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "attaching a scheduler needs root");
        Optional<Path> clang = BpfVerifier.clangOnPath();
        KernelTrial.Config host = KernelTrial.Config.host(schedExt);
        Assumptions.assumeTrue(clang.isPresent() && host.bpftool().isPresent(), "clang and bpftool are needed");
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/include/bpf/bpf_helpers.h")), "libbpf's headers (libbpf-dev) are needed");
        Process btf = new ProcessBuilder(host.bpftool().get().toString(), "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c")
                .redirectOutput(dir.resolve("vmlinux.h").toFile()).start();
        Assumptions.assumeTrue(btf.waitFor() == 0, "the kernel's BTF (/sys/kernel/btf/vmlinux) is needed");
        VerificationReport report = new BpfVerifier(clang, new KernelTrial(host)).verify(MINIMAL, dir);
        assertThat(report.stages()).extracting(VerificationReport.Stage::stage, VerificationReport.Stage::outcome)
                .contains(org.assertj.core.groups.Tuple.tuple("static", VerificationReport.Outcome.PASSED),
                        org.assertj.core.groups.Tuple.tuple("kernel", VerificationReport.Outcome.PASSED));
        assertThat(Files.readString(schedExt.resolve("state")).strip()).isEqualTo("disabled");
    }
}
