// mean: 1:x0 reduce mean
static __device__ __forceinline__ float keelson_op_mean_body(const unsigned char* L, unsigned char* const* data, long long i) {
    const float x0 = k_load(L, 0, data[0], i);
    return x0;
}

extern "C" __device__ void keelson_op_mean(const unsigned char* L, unsigned char* const* data) {
    const int axis = k_i32(L, K_L_AXIS);
    const long long length = k_i64(L, K_L_SHAPE + 8 * axis);
    long long inner = 1;
    for (int d = axis + 1; d < k_i32(L, K_L_RANK); d++) inner *= k_i64(L, K_L_SHAPE + 8 * d);
    const long long rows = length == 0 ? 0 : k_numel(L) / length;
    // one output element per thread, folded in axis order (as the CPU backend folds)
    for (long long r = threadIdx.x; r < rows; r += blockDim.x) {
        const long long first = (r / inner) * length * inner + r % inner;
        float acc = 0x0.0p0f;
        for (long long k = 0; k < length; k++) {
            const float v = keelson_op_mean_body(L, data, first + k * inner);
            acc = acc + v;
        }
        k_store(L, data[K_OUTPUT], first, acc / (float)length);
    }
}
extern "C" __device__ k_op_fn keelson_op_mean_ptr = keelson_op_mean;
