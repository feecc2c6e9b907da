package io.keelson.gpuos.cuda;

import io.keelson.gpuos.core.cuda.CudaCodegen;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** NVRTC through JNA: runs wherever libnvrtc is found (a GPU is not needed to compile), else skips. */
class NvrtcTest {

    private static final Map<String, String> HEADERS = Map.of(WorkerSource.HEADER_NAME, WorkerSource.header());

    @Test
    void compilesTheWorkerAndAGeneratedOperatorToRelocatablePtx() {
        Nvrtc nvrtc = Gpu.nvrtc();
        Nvrtc.Result worker = nvrtc.compile(WorkerSource.WORKER_NAME, WorkerSource.worker(), HEADERS, "compute_90");
        assertThat(worker).isInstanceOfSatisfying(Nvrtc.Result.Compiled.class, c -> assertThat(c.ptx())
                .contains(".entry keelson_worker(", "keelson_op_table", "ld.acquire.sys.global.u64", "st.release.sys.global.u64"));
        String source = "#include \"keelson_abi.h\"\n" + CudaCodegen.operator(WorkerBuildTest.OPERATORS.get(1), "keelson_op_chain_v7");
        Nvrtc.Result operator = nvrtc.compile("chain.cu", source, HEADERS, "compute_90");
        assertThat(operator).isInstanceOfSatisfying(Nvrtc.Result.Compiled.class, c -> assertThat(c.ptx())
                .contains(".visible .func keelson_op_chain_v7(", "keelson_op_chain_v7_ptr")
                .doesNotContain(".shared", ".const "));
    }

    @Test
    void everyGeneratedOperatorShapeCompilesWithNvrtc() {
        Nvrtc nvrtc = Gpu.nvrtc();
        java.util.Random random = new java.util.Random(13);
        StringBuilder source = new StringBuilder("#include \"keelson_abi.h\"\n");
        for (int i = 0; i < 60; i++) {
            int arity = 1 + random.nextInt(4);
            io.keelson.gpuos.core.ir.Expr body = io.keelson.gpuos.core.ir.RandomExprs.expr(random, arity, 4);
            io.keelson.gpuos.core.ir.ReduceKind[] kinds = io.keelson.gpuos.core.ir.ReduceKind.values();
            io.keelson.gpuos.core.ir.OperatorSpec spec = i % 3 == 0
                    ? io.keelson.gpuos.core.ir.OperatorSpec.reducing("r" + i, arity, body, kinds[random.nextInt(kinds.length)])
                    : io.keelson.gpuos.core.ir.OperatorSpec.elementwise("e" + i, arity, body);
            source.append(CudaCodegen.operator(spec, "keelson_op_g" + i));
        }
        Nvrtc.Result result = nvrtc.compile("generated.cu", source.toString(), HEADERS, "compute_90");
        assertThat(result).isInstanceOfSatisfying(Nvrtc.Result.Compiled.class, c -> assertThat(c.ptx())
                .contains("keelson_op_g0_ptr", "keelson_op_g59_ptr").doesNotContain(".shared", ".const "));
    }

    @Test
    void aCompileErrorIsAValueWithTheCompilersLog() {
        Nvrtc nvrtc = Gpu.nvrtc();
        Nvrtc.Result result = nvrtc.compile("broken.cu", "extern \"C\" __device__ void f() { undefined_thing(); }", Map.of(), "compute_90");
        assertThat(result).isInstanceOfSatisfying(Nvrtc.Result.Failed.class, f -> assertThat(f.log()).contains("undefined_thing"));
    }

    @Test
    void aMissingLibraryIsReportedWithWhereItWasSought() {
        List<Nvrtc.Unavailable> why = new ArrayList<>();
        assertThat(Nvrtc.load(Map.of("KEELSON_NVRTC_LIBRARY", "/nonexistent/libnvrtc.so.99", "CUDA_HOME", "/nonexistent"), why)
                .filter(n -> n.library().toString().startsWith("/nonexistent"))).isEmpty();
        assertThat(why.toString()).contains("/nonexistent/libnvrtc.so.99");
    }
}
