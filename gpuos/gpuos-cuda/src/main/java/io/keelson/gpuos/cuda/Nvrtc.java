package io.keelson.gpuos.cuda;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * NVRTC, the run-time CUDA C compiler, called through JNA. JCuda 12.6's binding needs
 * {@code libnvrtc.so.12} exactly, which a CUDA 13 host does not have; NVRTC's C API is stable across
 * versions, so Keelson binds whichever {@code libnvrtc.so.N} the host has (the newest found) and passes the
 * toolkit's include directory for {@code cuda_fp16.h}/{@code cuda_bf16.h}, which NVRTC does not bundle.
 * Compilation errors are a value ({@link Result.Failed} with NVRTC's log), never an exception.
 */
public final class Nvrtc {

    /** The outcome of compiling one program. */
    public sealed interface Result {

        record Compiled(String ptx, String log) implements Result {
        }

        record Failed(String log) implements Result {
        }
    }

    /** Where NVRTC could not be found or loaded, and why. */
    public record Unavailable(String reason) {
    }

    interface Api extends Library {
        int nvrtcVersion(IntByReference major, IntByReference minor);

        int nvrtcCreateProgram(PointerByReference program, String source, String name, int headers, String[] headerSources,
                               String[] includeNames);

        int nvrtcCompileProgram(Pointer program, int options, String[] values);

        int nvrtcGetPTXSize(Pointer program, LongByReference size);

        int nvrtcGetPTX(Pointer program, byte[] ptx);

        int nvrtcGetProgramLogSize(Pointer program, LongByReference size);

        int nvrtcGetProgramLog(Pointer program, byte[] log);

        int nvrtcDestroyProgram(PointerByReference program);

        String nvrtcGetErrorString(int result);
    }

    private static final int NVRTC_ERROR_COMPILATION = 6;

    private final Api api;
    private final Path library;
    private final Optional<Path> includeDir;
    private final String version;

    private Nvrtc(Api api, Path library, Optional<Path> includeDir) {
        this.api = api;
        this.library = library;
        this.includeDir = includeDir;
        IntByReference major = new IntByReference();
        IntByReference minor = new IntByReference();
        check(api.nvrtcVersion(major, minor), "nvrtcVersion");
        this.version = major.getValue() + "." + minor.getValue();
    }

    /**
     * Loads NVRTC from {@code KEELSON_NVRTC_LIBRARY} when set, else the newest {@code libnvrtc.so.N} under the
     * CUDA toolkit's and the system's library directories.
     */
    public static Optional<Nvrtc> load(Map<String, String> env, List<Unavailable> why) {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(env.get("KEELSON_NVRTC_LIBRARY")).map(Path::of).ifPresent(candidates::add);
        for (Path dir : toolkitDirs(env, "lib64", "targets/x86_64-linux/lib")) {
            candidates.addAll(versions(dir));
        }
        candidates.addAll(versions(Path.of("/usr/lib/x86_64-linux-gnu")));
        if (candidates.isEmpty()) {
            why.add(new Unavailable("no libnvrtc.so.N found (KEELSON_NVRTC_LIBRARY, CUDA_HOME, /usr/local/cuda and "
                    + "/usr/lib/x86_64-linux-gnu were searched)"));
            return Optional.empty();
        }
        for (Path candidate : candidates) {
            try {
                Api api = Native.load(candidate.toString(), Api.class);
                return Optional.of(new Nvrtc(api, candidate, includeDir(env)));
            } catch (LinkageError | RuntimeException e) {
                why.add(new Unavailable(candidate + ": " + e.getMessage()));
            }
        }
        return Optional.empty();
    }

    public static Optional<Nvrtc> load() {
        return load(System.getenv(), new ArrayList<>());
    }

    private static List<Path> toolkitDirs(Map<String, String> env, String... relatives) {
        List<Path> roots = new ArrayList<>();
        Optional.ofNullable(env.get("CUDA_HOME")).map(Path::of).ifPresent(roots::add);
        Optional.ofNullable(env.get("CUDA_PATH")).map(Path::of).ifPresent(roots::add);
        roots.add(Path.of("/usr/local/cuda"));
        List<Path> dirs = new ArrayList<>();
        for (Path root : roots) {
            for (String relative : relatives) {
                dirs.add(root.resolve(relative));
            }
        }
        return dirs;
    }

    /** {@code libnvrtc.so.N[.M...]} in {@code dir}, newest first (not the builtins library NVRTC loads itself). */
    private static List<Path> versions(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("libnvrtc\\.so\\.\\d+(\\.\\d+)*"))
                    .sorted(Comparator.comparing((Path f) -> versionKey(f.getFileName().toString())).reversed())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String versionKey(String name) {
        StringBuilder key = new StringBuilder();
        for (String part : name.substring("libnvrtc.so.".length()).split("\\.")) {
            key.append(String.format("%08d", Integer.parseInt(part)));
        }
        return key.toString();
    }

    private static Optional<Path> includeDir(Map<String, String> env) {
        List<Path> dirs = new ArrayList<>();
        Optional.ofNullable(env.get("KEELSON_CUDA_INCLUDE")).map(Path::of).ifPresent(dirs::add);
        dirs.addAll(toolkitDirs(env, "include", "targets/x86_64-linux/include"));
        return dirs.stream().filter(d -> Files.isRegularFile(d.resolve("cuda_fp16.h"))).findFirst();
    }

    public String version() {
        return version;
    }

    public Path library() {
        return library;
    }

    /**
     * Compiles {@code source} to PTX for {@code arch} (e.g. {@code compute_90}) as relocatable device code, with
     * {@code headers} (name to text) resolvable by {@code #include "name"}.
     */
    public Result compile(String name, String source, Map<String, String> headers, String arch) {
        PointerByReference program = new PointerByReference();
        String[] names = headers.keySet().toArray(String[]::new);
        String[] texts = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            texts[i] = headers.get(names[i]);
        }
        check(api.nvrtcCreateProgram(program, source, name, names.length, texts, names), "nvrtcCreateProgram");
        try {
            List<String> options = new ArrayList<>(List.of("--gpu-architecture=" + arch, "--relocatable-device-code=true",
                    "--std=c++17"));
            includeDir.ifPresent(dir -> options.add("--include-path=" + dir));
            int status = api.nvrtcCompileProgram(program.getValue(), options.size(), options.toArray(String[]::new));
            String log = log(program.getValue());
            if (status == NVRTC_ERROR_COMPILATION) {
                return new Result.Failed(log.isBlank() ? "compilation failed with no log" : log);
            }
            check(status, "nvrtcCompileProgram");
            LongByReference size = new LongByReference();
            check(api.nvrtcGetPTXSize(program.getValue(), size), "nvrtcGetPTXSize");
            byte[] ptx = new byte[(int) size.getValue()];
            check(api.nvrtcGetPTX(program.getValue(), ptx), "nvrtcGetPTX");
            return new Result.Compiled(Cuda.cString(ptx), log);
        } finally {
            api.nvrtcDestroyProgram(program);
        }
    }

    private String log(Pointer program) {
        LongByReference size = new LongByReference();
        check(api.nvrtcGetProgramLogSize(program, size), "nvrtcGetProgramLogSize");
        byte[] log = new byte[(int) Math.max(1, size.getValue())];
        check(api.nvrtcGetProgramLog(program, log), "nvrtcGetProgramLog");
        return Cuda.cString(log).strip();
    }

    private void check(int status, String call) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed: " + api.nvrtcGetErrorString(status) + " (" + status + ")");
        }
    }

    @Override
    public String toString() {
        return "NVRTC " + version + " (" + library + (includeDir.map(d -> ", headers " + d).orElse(", no toolkit headers")) + ")";
    }
}
