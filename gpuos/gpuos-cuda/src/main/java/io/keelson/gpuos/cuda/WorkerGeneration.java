package io.keelson.gpuos.cuda;

import io.keelson.gpuos.core.cuda.CudaCodegen;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjitInputType;
import jcuda.driver.CUlinkState;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One loaded module holding the persistent worker and every resident operator version, linked together
 * with {@code cuLink*}: CUDA does not support calls through function pointers across modules (each module
 * has its own constant bank and the launch fixes the register budget), so installing an operator builds a
 * new generation and the device switches its worker over (drain the old one, link and load the new one, carry
 * HEAD, launch it). Linking and loading while a worker ran hung on an H200, hence the drain comes first.
 */
final class WorkerGeneration implements AutoCloseable {

    /** A version placed in physical slot {@code slot} (2 × logical + 0 or 1) of the table. */
    record Placement(int slot, long epoch, CudaOperator operator) {
    }

    private final long number;
    private final CUmodule module;
    private final CUfunction worker = new CUfunction();
    private final List<CudaOperator> operators;

    private WorkerGeneration(long number, CUmodule module, List<CudaOperator> operators) {
        this.number = number;
        this.module = module;
        this.operators = List.copyOf(operators);
        Cuda.check(JCudaDriver.cuModuleGetFunction(worker, module, "keelson_worker"), "cuModuleGetFunction(keelson_worker)");
    }

    /** Links the worker's PTX with the operators' into a module and loads it (the calling thread's context). */
    static WorkerGeneration link(long number, String workerPtx, List<CudaOperator> operators) {
        List<String> inputs = new ArrayList<>();
        inputs.add(workerPtx);
        operators.forEach(o -> inputs.add(o.ptx()));
        return new WorkerGeneration(number, linkPtx(inputs), operators);
    }

    /** Links relocatable PTX into one loaded module. */
    static CUmodule linkPtx(List<String> ptx) {
        CUlinkState state = new CUlinkState();
        Cuda.check(JCudaDriver.cuLinkCreate(new JITOptions(), state), "cuLinkCreate");
        try {
            for (int i = 0; i < ptx.size(); i++) {
                byte[] text = (ptx.get(i) + "\0").getBytes(StandardCharsets.UTF_8);
                Cuda.check(JCudaDriver.cuLinkAddData(state, CUjitInputType.CU_JIT_INPUT_PTX, Pointer.to(text), text.length,
                        "input" + i + ".ptx", new JITOptions()), "cuLinkAddData(input " + i + ")");
            }
            Pointer image = new Pointer();
            long[] size = new long[1];
            Cuda.check(JCudaDriver.cuLinkComplete(state, image, size), "cuLinkComplete");
            CUmodule module = new CUmodule();
            Cuda.check(JCudaDriver.cuModuleLoadDataEx(module, image, 0, new int[0], Pointer.to(new int[0])), "cuModuleLoadDataEx");
            return module;
        } finally {
            JCudaDriver.cuLinkDestroy(state);
        }
    }

    long number() {
        return number;
    }

    List<CudaOperator> operators() {
        return operators;
    }

    boolean holds(CudaOperator operator) {
        return operators.contains(operator);
    }

    /** Fills the dual-slot table (function and epoch per physical slot) and HEAD before the worker runs. */
    void prepare(List<Placement> placements, long head, CUstream stream) {
        ByteBuffer functions = direct(2 * CudaCodegen.MAX_LOGICAL * 8);
        ByteBuffer epochs = direct(2 * CudaCodegen.MAX_LOGICAL * 8);
        for (Placement p : placements) {
            functions.putLong(p.slot() * 8, functionAddress(p.operator(), stream));
            epochs.putLong(p.slot() * 8, p.epoch());
        }
        ByteBuffer headValue = direct(8).putLong(0, head);
        copyIn("keelson_op_table", functions, stream);
        copyIn("keelson_op_epoch", epochs, stream);
        copyIn("keelson_head", headValue, stream);
        Cuda.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize(table)");
        Reference.reachabilityFence(functions); // the copies read these buffers until the stream is synchronised
        Reference.reachabilityFence(epochs);
        Reference.reachabilityFence(headValue);
    }

    /** The worker's HEAD once it has stopped: where the next generation resumes. */
    long head(CUstream stream) {
        ByteBuffer value = direct(8);
        Cuda.check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(value), global("keelson_head"), 8, stream), "cuMemcpyDtoHAsync(head)");
        Cuda.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize(head)");
        return value.getLong(0);
    }

    void launch(int blocks, int threads, long ring, long completions, int capacity, CUstream stream) {
        Pointer parameters = Pointer.to(Pointer.to(new long[]{ring}), Pointer.to(new long[]{completions}),
                Pointer.to(new int[]{capacity}), Pointer.to(new long[]{0}));
        Cuda.check(JCudaDriver.cuLaunchKernel(worker, blocks, 1, 1, threads, 1, 1, 0, stream, parameters, null),
                "cuLaunchKernel(keelson_worker)");
    }

    private long functionAddress(CudaOperator operator, CUstream stream) {
        ByteBuffer value = direct(8);
        Cuda.check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(value), global(operator.bridge()), 8, stream),
                "cuMemcpyDtoHAsync(" + operator.bridge() + ")");
        Cuda.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize(bridge)");
        return value.getLong(0);
    }

    private void copyIn(String symbol, ByteBuffer bytes, CUstream stream) {
        Cuda.check(JCudaDriver.cuMemcpyHtoDAsync(global(symbol), Pointer.to(bytes), bytes.capacity(), stream),
                "cuMemcpyHtoDAsync(" + symbol + ")");
    }

    private CUdeviceptr global(String symbol) {
        CUdeviceptr pointer = new CUdeviceptr();
        Cuda.check(JCudaDriver.cuModuleGetGlobal(pointer, new long[1], module, symbol), "cuModuleGetGlobal(" + symbol + ")");
        return pointer;
    }

    private static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Unloads the module; only once its worker has exited. */
    @Override
    public void close() {
        JCudaDriver.cuModuleUnload(module);
    }

    @Override
    public String toString() {
        return "generation " + number + " (" + operators.size() + " operator versions)";
    }
}
