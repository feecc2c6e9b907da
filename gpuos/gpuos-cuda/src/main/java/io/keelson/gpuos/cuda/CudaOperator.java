package io.keelson.gpuos.cuda;

import io.keelson.gpuos.core.ir.OperatorSpec;

/** One compiled operator version: its IR, the C symbol of this version, and NVRTC's relocatable PTX. */
record CudaOperator(OperatorSpec spec, String symbol, String ptx) {

    String bridge() {
        return symbol + "_ptr";
    }
}
