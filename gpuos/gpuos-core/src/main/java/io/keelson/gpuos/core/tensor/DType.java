package io.keelson.gpuos.core.tensor;

/** Element types; the codes are the ones the worker ABI uses (GPUOS: F32=0, F16=1, BF16=2, I32=3). */
public enum DType {
    F32(0, 4),
    F16(1, 2),
    BF16(2, 2),
    I32(3, 4);

    private final int code;
    private final int bytes;

    DType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int code() {
        return code;
    }

    public int bytes() {
        return bytes;
    }
}
