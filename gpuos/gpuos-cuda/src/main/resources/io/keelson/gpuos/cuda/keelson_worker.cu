// The persistent worker: one block per SM drains the task ring until QUIT.
// Offsets and helpers come from keelson_abi.h, generated from the Java layout classes (CudaCodegen).
//
// Memory placement (the rules of ../shared/design/gpuos.md §4):
//  - the ring lives in mapped pinned host memory: the worker only loads (acquire) and stores (release)
//    there, at system scope; it never does read-modify-write over PCIe;
//  - the claim counter (HEAD) is in device memory, where atomicCAS is cheap and legal;
//  - per-task completion is a store of ticket+1 into `completions[ticket % capacity]` (mapped memory);
//    the host derives the global COMPLETED count from it; the heartbeat is block 0's plain store.
//  - operators are called through the dual-slot table below; they own no shared memory or constants.
#include "keelson_abi.h"
#include <cuda/atomic>

#define K_FAILED_BIT (1ull << 62)

extern "C" {
// physical slots 2l and 2l+1 of logical operator l: the function and the epoch of the version it holds
__device__ k_op_fn keelson_op_table[2 * K_MAX_LOGICAL];
__device__ long long keelson_op_epoch[2 * K_MAX_LOGICAL];
// the next ring position a block claims (the CPU backend keeps it in the ring header)
__device__ unsigned long long keelson_head;
}

typedef cuda::atomic_ref<unsigned long long, cuda::thread_scope_system> k_sys_u64;

static __device__ __forceinline__ unsigned long long k_load_acquire(unsigned char* p) {
    return k_sys_u64(*(unsigned long long*)p).load(cuda::memory_order_acquire);
}

static __device__ __forceinline__ void k_store_release(unsigned char* p, unsigned long long v) {
    k_sys_u64(*(unsigned long long*)p).store(v, cuda::memory_order_release);
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
// pointers (a handle is the device address of the tensor) and runs it on the whole block.
static __device__ bool k_run_launch(const unsigned char* source, unsigned char* launch, unsigned char** data) {
    for (int i = threadIdx.x; i < K_LAUNCH_LENGTH; i += blockDim.x) launch[i] = source[i];
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
    __shared__ unsigned char task[K_DESCRIPTOR_LENGTH];
    __shared__ unsigned char launch[K_LAUNCH_LENGTH];
    __shared__ unsigned char* data[K_OUTPUT + 1];
    __shared__ long long ticket;
    long long done = 0;
    unsigned long long beats = 0;
    while (max_tasks == 0 || done < max_tasks) {
        if (threadIdx.x == 0) {
            ticket = -1;
            if (k_load_acquire(ring + K_RING_QUIT) != 0) {
                ticket = -2;
            } else {
                unsigned long long position = *(volatile unsigned long long*)&keelson_head;
                unsigned char* slot = ring + K_RING_HEADER + (position & (unsigned long long)(capacity - 1)) * K_SLOT_LENGTH;
                if (k_load_acquire(slot + K_SLOT_SEQUENCE) == position + 1
                        && atomicCAS(&keelson_head, position, position + 1) == position) {
                    ticket = (long long)k_i64(slot, K_SLOT_TICKET);
                    for (int i = 0; i < K_DESCRIPTOR_LENGTH; i++) task[i] = slot[K_SLOT_DESCRIPTOR + i];
                    k_store_release(slot + K_SLOT_SEQUENCE, position + capacity); // the slot is free for the next lap
                }
            }
            if (blockIdx.x == 0) k_store_release(ring + K_RING_HEARTBEAT, ++beats);
        }
        __syncthreads();
        if (ticket == -2) return;
        if (ticket == -1) {
            __nanosleep(1000);
            continue;
        }
        bool ok = true;
        int count = k_i32(task, 4);
        if (k_i32(task, 0) == K_TASK_SINGLE) {
            ok = k_run_launch(task + K_TASK_INLINE_LAUNCH, launch, data);
        } else {
            const unsigned char* block = (const unsigned char*)k_i64(task, 8);
            for (int i = 0; i < count && ok; i++) ok = k_run_launch(block + (long long)i * K_LAUNCH_LENGTH, launch, data);
        }
        if (threadIdx.x == 0) {
            __threadfence_system(); // outputs are visible before the host sees the task done
            k_sys_u64(completions[ticket & (capacity - 1)]).store((unsigned long long)ticket + 1 | (ok ? 0 : K_FAILED_BIT),
                                                                   cuda::memory_order_release);
        }
        done++;
        __syncthreads();
    }
}
