package io.keelson.gpuos.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The CUDA toolkit's command-line tools, found via CUDA_HOME, /usr/local/cuda or PATH; absent on most user machines. */
final class Nvcc {

    record Run(int exitCode, String output) {
    }

    private final Path bin;

    private Nvcc(Path bin) {
        this.bin = bin;
    }

    static Optional<Nvcc> find() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("CUDA_HOME")).ifPresent(h -> candidates.add(Path.of(h, "bin")));
        candidates.add(Path.of("/usr/local/cuda/bin"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir));
            }
        }
        return candidates.stream().filter(d -> Files.isExecutable(d.resolve("nvcc"))).findFirst().map(Nvcc::new);
    }

    Run run(Path workDir, String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(tool + " timed out");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
