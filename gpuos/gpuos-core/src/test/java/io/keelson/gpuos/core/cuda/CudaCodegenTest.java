package io.keelson.gpuos.core.cuda;

import io.keelson.gpuos.core.ir.ExprParser;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.ir.ReduceKind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden tests: the generated CUDA C must equal the reviewed files in {@code src/test/resources/cuda-golden}.
 * After an intended change, regenerate with {@code -Dkeelson.golden.update=true} and review the diff.
 * (gpuos-cuda compiles the same output with nvcc and links it with the worker.)
 */
class CudaCodegenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/cuda-golden");

    @Test
    void abiHeaderMatchesItsGoldenFile() throws IOException {
        golden("keelson_abi.h", CudaCodegen.abiHeader());
    }

    @Test
    void operatorsMatchTheirGoldenFiles() throws IOException {
        Map<String, OperatorSpec> specs = Map.of(
                "elementwise_fused.cu", OperatorSpec.elementwise("fused.ab12", 2, ExprParser.parse("(relu (add (mul x0 x1) (mul x0 x1)))")),
                "reduction_max.cu", OperatorSpec.reducing("row_max_exp", 1, ExprParser.parse("(exp (sub x0 -1.5))"), ReduceKind.MAX),
                "reduction_mean.cu", OperatorSpec.reducing("mean", 1, ExprParser.parse("x0"), ReduceKind.MEAN),
                "select_cast_special.cu", OperatorSpec.elementwise("sel", 3,
                        ExprParser.parse("(select (ge x0 -0.0) (cast f16 x1) (min (pow x2 nan) (cast i32 (mul x2 inf))))")));
        for (Map.Entry<String, OperatorSpec> e : specs.entrySet()) {
            golden(e.getKey(), CudaCodegen.operator(e.getValue()));
        }
    }

    @Test
    void literalsAreExactAndSymbolsAreCIdentifiers() {
        assertThat(CudaCodegen.literal(0.1f)).isEqualTo("0x1.99999ap-4f");
        assertThat(CudaCodegen.literal(-2f)).isEqualTo("(-0x1.0p1f)");
        assertThat(CudaCodegen.literal(-0f)).isEqualTo("(-0x0.0p0f)");
        assertThat(CudaCodegen.literal(Float.MIN_VALUE)).isEqualTo("0x0.000002p-126f");
        assertThat(CudaCodegen.literal(Float.NEGATIVE_INFINITY)).isEqualTo("__int_as_float(0xff800000)");
        assertThat(CudaCodegen.symbol("fused.3f-a_b")).isEqualTo("keelson_op_fused_3f_a_b");
    }

    private static void golden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("keelson.golden.update")) {
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file %s (regenerate with -Dkeelson.golden.update=true)", name).exists();
        assertThat(actual).as(name).isEqualTo(Files.readString(file));
    }
}
