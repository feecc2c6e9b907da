package io.keelson.gpuos.core.tensor;

/** What holds one tensor's elements on some device: its element type and count. */
public interface TensorStorage {

    DType dtype();

    int elements();
}
