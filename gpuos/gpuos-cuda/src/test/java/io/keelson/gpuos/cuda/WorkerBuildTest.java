package io.keelson.gpuos.cuda;

import io.keelson.gpuos.core.cuda.CudaCodegen;
import io.keelson.gpuos.core.ir.ExprParser;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.ir.ReduceKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Builds a worker generation with the real CUDA toolkit (CI has nvcc, no driver): the persistent worker and
 * generated operators compile as relocatable device code for sm_90, link into one module, export the
 * symbols the host looks up, and the operators use no shared memory and spill nothing. The PTX is then
 * assembled in-process by the PTX compiler library, as a GPU host would before loading it.
 */
class WorkerBuildTest {

    static final List<OperatorSpec> OPERATORS = List.of(
            OperatorSpec.elementwise("add", 2, ExprParser.parse("(add x0 x1)")),
            OperatorSpec.elementwise("fused.chain", 3, ExprParser.parse("(div (sigmoid (relu (mul (add x0 x1) x2))) x2)")),
            OperatorSpec.reducing("row_max", 1, ExprParser.parse("(cast f16 x0)"), ReduceKind.MAX),
            OperatorSpec.reducing("matmul", 2, ExprParser.parse("(mul x0 x1)"), ReduceKind.SUM));

    @TempDir
    static Path dir;
    private static Nvcc nvcc;

    @BeforeAll
    static void sources() throws Exception {
        nvcc = Nvcc.find().orElse(null);
        Files.writeString(dir.resolve(WorkerSource.HEADER_NAME), WorkerSource.header());
        Files.writeString(dir.resolve(WorkerSource.WORKER_NAME), WorkerSource.worker());
        StringBuilder ops = new StringBuilder("#include \"" + WorkerSource.HEADER_NAME + "\"\n");
        OPERATORS.forEach(spec -> ops.append(CudaCodegen.operator(spec)));
        Files.writeString(dir.resolve("operators.cu"), ops.toString());
    }

    private static Nvcc.Run ok(String tool, String... args) throws Exception {
        Nvcc.Run run = nvcc.run(dir, tool, args);
        assertThat(run.exitCode()).as(tool + " " + String.join(" ", args) + "\n" + run.output()).isZero();
        return run;
    }

    @Test
    void workerAndOperatorsCompileAndLinkIntoOneModule() throws Exception {
        assumeThat(nvcc).as("nvcc (CUDA toolkit) not found: CUDA_HOME, /usr/local/cuda/bin and PATH were searched").isNotNull();
        ok("nvcc", "-arch=sm_90", "-rdc=true", "-cubin", WorkerSource.WORKER_NAME, "-o", "worker.cubin");
        Nvcc.Run verbose = ok("nvcc", "-arch=sm_90", "-rdc=true", "-cubin", "-Xptxas", "-v", "operators.cu", "-o", "operators.cubin");
        ok("nvlink", "-arch=sm_90", "worker.cubin", "operators.cubin", "-o", "generation.cubin");
        assertThat(Files.size(dir.resolve("generation.cubin"))).isPositive();
        for (OperatorSpec spec : OPERATORS) {
            assertThat(verbose.output()).contains("Function properties for " + CudaCodegen.symbol(spec.name()));
        }
        // a function called through the ABI saves callee-saved registers on its stack: that is the floor
        // (measured on the one-instruction add); anything above it would be a register-pressure spill
        int abiFloor = spill(verbose.output(), CudaCodegen.symbol("add"));
        for (OperatorSpec spec : OPERATORS) {
            assertThat(spill(verbose.output(), CudaCodegen.symbol(spec.name()))).as(spec.name()).isLessThanOrEqualTo(abiFloor);
        }

        ok("nvcc", "-arch=sm_90", "-rdc=true", "-ptx", WorkerSource.WORKER_NAME, "-o", "worker.ptx");
        ok("nvcc", "-arch=sm_90", "-rdc=true", "-ptx", "operators.cu", "-o", "operators.ptx");
        String workerPtx = Files.readString(dir.resolve("worker.ptx"));
        assertThat(workerPtx).contains(".entry keelson_worker(", ".visible .global .align 8 .b8 keelson_op_table[16384]",
                ".visible .global .align 8 .b8 keelson_op_epoch[16384]", ".visible .global .align 8 .u64 keelson_head");
        String operatorsPtx = Files.readString(dir.resolve("operators.ptx"));
        for (OperatorSpec spec : OPERATORS) {
            String sym = CudaCodegen.symbol(spec.name());
            assertThat(operatorsPtx).contains(".visible .func " + sym + "(", ".visible .global .align 8 .u64 " + sym + "_ptr = " + sym + ";");
        }
        assertThat(operatorsPtx).doesNotContain(".shared", ".const ");

        // JCuda 12.6's in-process assembler reads PTX ISA up to 8.0; this toolkit (CUDA 13) writes 9.0. The
        // operators use nothing newer, so the header is lowered to what the library accepts (a GPU host's NVRTC
        // emits a version its own driver reads, so this step exists only for the offline check)
        String portable = operatorsPtx.replaceFirst("(?m)^\\.version \\d+\\.\\d+$", ".version 8.0");
        PtxAssembler.Result assembled = PtxAssembler.assemble(portable, "sm_90", true);
        assertThat(assembled).isInstanceOfSatisfying(PtxAssembler.Result.Assembled.class, a -> {
            assertThat(a.cubin()).isNotEmpty();
            assertThat(a.functions()).extracting(PtxAssembler.FunctionUsage::function)
                    .contains(OPERATORS.stream().map(s -> CudaCodegen.symbol(s.name())).toArray(String[]::new));
            int floor = a.functions().stream().filter(f -> f.function().equals(CudaCodegen.symbol("add")))
                    .findFirst().orElseThrow().spillStoreBytes();
            assertThat(a.functions()).allSatisfy(f -> {
                assertThat(f.spillStoreBytes()).as(f.function()).isLessThanOrEqualTo(floor);
                assertThat(f.sharedBytes()).as(f.function()).isZero();
            });
        });
    }

    /** Spill-store bytes ptxas reported for {@code function}. */
    private static int spill(String report, String function) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Function properties for " + function
                + "\\s+\\d+ bytes stack frame, (\\d+) bytes spill stores").matcher(report);
        assertThat(m.find()).as("ptxas report for " + function).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void thePtxAssemblerReportsBrokenPtxWithoutAGpu() {
        PtxAssembler.Result result = PtxAssembler.assemble(".version 8.0\n.target sm_90\n.address_size 64\nthis is not ptx\n", "sm_90", true);
        assertThat(result).isInstanceOfSatisfying(PtxAssembler.Result.Failed.class,
                f -> assertThat(f.errorLog()).isNotBlank());
    }
}
