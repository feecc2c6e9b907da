package io.keelson.gpuos.cuda;

import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Assembles PTX to a cubin in-process with NVIDIA's PTX compiler library (JCuda's self-contained
 * {@code libJNvPTXCompiler}, which needs no driver and no GPU), and reads what ptxas reports per function:
 * registers, stack, spills and shared memory. The worker refuses operators that spill or use shared memory
 * (a function called through the worker's table cannot own any).
 */
public final class PtxAssembler {

    /** What ptxas reported for one function; {@code registers} is -1 where ptxas gave no count. */
    public record FunctionUsage(String function, int registers, int stackBytes, int spillStoreBytes, int spillLoadBytes,
                                int sharedBytes) {
    }

    /** The cubin and the per-function report, or the assembler's error log. */
    public sealed interface Result {
        record Assembled(byte[] cubin, List<FunctionUsage> functions, String infoLog) implements Result {
        }

        record Failed(String errorLog) implements Result {
        }
    }

    private static final Pattern FUNCTION = Pattern.compile("Compiling entry function '([^']+)'|Function properties for ([A-Za-z0-9_]+)");
    private static final Pattern STACK = Pattern.compile("(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");
    private static final Pattern REGISTERS = Pattern.compile("Used (\\d+) registers(?:.*?(\\d+) bytes smem)?");

    private PtxAssembler() {
    }

    /**
     * @param arch e.g. {@code sm_90}
     * @param relocatable true for device functions linked later into the worker ({@code --compile-only})
     */
    public static Result assemble(String ptx, String arch, boolean relocatable) {
        JNvPTXCompiler.setExceptionsEnabled(false);
        nvPTXCompilerHandle handle = new nvPTXCompilerHandle();
        byte[] source = (ptx + "\0").getBytes(StandardCharsets.US_ASCII);
        check(JNvPTXCompiler.nvPTXCompilerCreate(handle, source.length, source), "create");
        try {
            List<String> options = new ArrayList<>(List.of("--gpu-name=" + arch, "--verbose", "--warn-on-spills"));
            if (relocatable) {
                options.add("--compile-only");
            }
            int status = JNvPTXCompiler.nvPTXCompilerCompile(handle, options.size(), options.toArray(new String[0]));
            if (status != 0) {
                return new Result.Failed(log(handle, false));
            }
            long[] size = new long[1];
            check(JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize(handle, size), "size");
            byte[] cubin = new byte[(int) size[0]];
            check(JNvPTXCompiler.nvPTXCompilerGetCompiledProgram(handle, cubin), "program");
            String info = log(handle, true);
            return new Result.Assembled(cubin, usage(info), info);
        } finally {
            JNvPTXCompiler.nvPTXCompilerDestroy(handle);
        }
    }

    private static String log(nvPTXCompilerHandle handle, boolean info) {
        long[] size = new long[1];
        if (info) {
            JNvPTXCompiler.nvPTXCompilerGetInfoLogSize(handle, size);
        } else {
            JNvPTXCompiler.nvPTXCompilerGetErrorLogSize(handle, size);
        }
        byte[] text = new byte[(int) size[0] + 1];
        if (info) {
            JNvPTXCompiler.nvPTXCompilerGetInfoLog(handle, text);
        } else {
            JNvPTXCompiler.nvPTXCompilerGetErrorLog(handle, text);
        }
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Parses ptxas's verbose report: "Function properties for f" then its stack/spill line; kernels add a
     * "Used N registers, M bytes smem" line (device functions compiled for linking report no register count: -1).
     */
    static List<FunctionUsage> usage(String info) {
        java.util.Map<String, FunctionUsage> all = new java.util.LinkedHashMap<>();
        String function = null;
        for (String line : info.split("\n")) {
            Matcher f = FUNCTION.matcher(line);
            if (f.find()) {
                function = f.group(1) != null ? f.group(1) : f.group(2);
                all.putIfAbsent(function, new FunctionUsage(function, -1, 0, 0, 0, 0));
                continue;
            }
            if (function == null) {
                continue;
            }
            FunctionUsage u = all.get(function);
            Matcher s = STACK.matcher(line);
            if (s.find()) {
                all.put(function, new FunctionUsage(function, u.registers(), Integer.parseInt(s.group(1)), Integer.parseInt(s.group(2)),
                        Integer.parseInt(s.group(3)), u.sharedBytes()));
            }
            Matcher r = REGISTERS.matcher(line);
            if (r.find()) {
                all.put(function, new FunctionUsage(function, Integer.parseInt(r.group(1)), u.stackBytes(), u.spillStoreBytes(),
                        u.spillLoadBytes(), r.group(2) == null ? 0 : Integer.parseInt(r.group(2))));
            }
        }
        return List.copyOf(all.values());
    }

    private static void check(int status, String step) {
        if (status != 0) {
            throw new IllegalStateException("nvPTXCompiler " + step + " failed with status " + status);
        }
    }
}
