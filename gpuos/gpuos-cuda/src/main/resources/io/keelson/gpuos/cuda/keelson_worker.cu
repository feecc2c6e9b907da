// The persistent worker: one block per SM drains the task ring until QUIT.
// Offsets and helpers come from keelson_abi.h, generated from the Java layout classes (CudaCodegen).
//
// Memory placement (the rules of ../shared/design/gpuos.md §4):
//  - the ring lives in mapped pinned host memory: the worker only loads (acquire) and stores (release)
//    there, at system scope; it never does read-modify-write over PCIe;
//  - the claim counter (HEAD) is in device memory, where atomicCAS is cheap and legal;
//  - per-task completion is a release store of ticket+1 into `completions[ticket % capacity]` (mapped memory);
//    the host counts COMPLETED from it; the heartbeat is block 0's store every 256 loop turns.
//  - operators are called through the dual-slot table below; they own no shared memory or constants.
#include "keelson_abi.h"

#define K_FAILED_BIT (1ull << 62)

extern "C" {
// physical slots 2l and 2l+1 of logical operator l: the function and the epoch of the version it holds
__device__ k_op_fn keelson_op_table[2 * K_MAX_LOGICAL];
__device__ long long keelson_op_epoch[2 * K_MAX_LOGICAL];
// the next ring position a block claims (the CPU backend keeps it in the ring header)
__device__ unsigned long long keelson_head;
}

// System-scope acquire/release in PTX rather than libcu++'s cuda::atomic_ref, so that NVRTC compiles the
// worker with no header beyond the toolkit's fp16/bf16 ones.
static __device__ __forceinline__ unsigned long long k_load_acquire(const unsigned char* p) {
    unsigned long long v;
    asm volatile("ld.acquire.sys.global.u64 %0, [%1];" : "=l"(v) : "l"(p) : "memory");
    return v;
}

static __device__ __forceinline__ void k_store_release(unsigned char* p, unsigned long long v) {
    asm volatile("st.release.sys.global.u64 [%0], %1;" :: "l"(p), "l"(v) : "memory");
}

// Copies `bytes` (a multiple of 8) with the whole block, 8 bytes per thread per step: over PCIe one
// round trip for a descriptor instead of one per byte.
static __device__ __forceinline__ void k_copy(unsigned long long* to, const unsigned char* from, int bytes) {
    for (int i = threadIdx.x; i < bytes / 8; i += blockDim.x) to[i] = ((const volatile unsigned long long*)from)[i];
}

static __device__ k_op_fn k_resolve(const unsigned char* launch) {
    int logical = k_i32(launch, K_L_LOGICAL);
    long long epoch = k_i64(launch, K_L_EPOCH);
    if (logical < 0 || logical >= K_MAX_LOGICAL) return 0;
    if (keelson_op_epoch[2 * logical] == epoch) return keelson_op_table[2 * logical];
    if (keelson_op_epoch[2 * logical + 1] == epoch) return keelson_op_table[2 * logical + 1];
    return 0;
}

// Copies one launch into shared memory (operators read their fields many times), resolves its operand
// pointers (the host writes each operand's device address where the CPU backend keeps its handle) and runs
// it on the whole block.
static __device__ bool k_run_launch(const unsigned char* source, unsigned long long* launch64, unsigned char** data) {
    const unsigned char* launch = (const unsigned char*)launch64;
    k_copy(launch64, source, K_LAUNCH_LENGTH);
    __syncthreads();
    __shared__ k_op_fn fn;
    if (threadIdx.x == 0) {
        fn = k_resolve(launch);
        for (int o = 0; o <= K_OUTPUT; o++) data[o] = (unsigned char*)k_i64(launch, K_OPERAND(o));
    }
    __syncthreads();
    if (fn == 0) return false;
    fn(launch, data);
    __syncthreads(); // the next launch may read what this one wrote
    return true;
}

extern "C" __global__ void keelson_worker(unsigned char* ring, unsigned long long* completions, int capacity,
                                          long long max_tasks) {
    __shared__ unsigned long long task64[K_DESCRIPTOR_LENGTH / 8];
    __shared__ unsigned long long launch64[K_LAUNCH_LENGTH / 8];
    __shared__ unsigned char* data[K_OUTPUT + 1];
    __shared__ long long ticket;
    __shared__ unsigned long long position;
    const unsigned char* task = (const unsigned char*)task64;
    long long done = 0;
    unsigned long long beats = 0;
    while (max_tasks == 0 || done < max_tasks) {
        if (threadIdx.x == 0) {
            ticket = -1;
            if (k_load_acquire(ring + K_RING_QUIT) != 0) {
                ticket = -2;
            } else {
                unsigned long long p = *(volatile unsigned long long*)&keelson_head;
                unsigned char* slot = ring + K_RING_HEADER + (p & (unsigned long long)(capacity - 1)) * K_SLOT_LENGTH;
                if (k_load_acquire(slot + K_SLOT_SEQUENCE) == p + 1 && atomicCAS(&keelson_head, p, p + 1) == p) {
                    position = p;
                    ticket = (long long)k_i64(slot, K_SLOT_TICKET);
                }
            }
            if (blockIdx.x == 0 && (++beats & 255) == 0) k_store_release(ring + K_RING_HEARTBEAT, beats);
        }
        __syncthreads();
        if (ticket == -2) return;
        if (ticket == -1) {
            __nanosleep(500);
            continue;
        }
        unsigned char* slot = ring + K_RING_HEADER + (position & (unsigned long long)(capacity - 1)) * K_SLOT_LENGTH;
        k_copy(task64, slot + K_SLOT_DESCRIPTOR, K_DESCRIPTOR_LENGTH);
        __syncthreads();
        if (threadIdx.x == 0) k_store_release(slot + K_SLOT_SEQUENCE, position + capacity); // free for the next lap
        bool ok = true;
        int count = k_i32(task, 4);
        if (k_i32(task, 0) == K_TASK_SINGLE) {
            ok = k_run_launch(task + K_TASK_INLINE_LAUNCH, launch64, data);
        } else {
            const unsigned char* block = (const unsigned char*)k_i64(task, 8);
            for (int i = 0; i < count && ok; i++) ok = k_run_launch(block + (long long)i * K_LAUNCH_LENGTH, launch64, data);
        }
        if (threadIdx.x == 0) {
            __threadfence_system(); // outputs are visible before the host sees the task done
            k_store_release((unsigned char*)&completions[ticket & (capacity - 1)],
                            ((unsigned long long)ticket + 1) | (ok ? 0 : K_FAILED_BIT));
        }
        done++;
        __syncthreads();
    }
}
