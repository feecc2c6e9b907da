#!/usr/bin/env bash
# Runs gpuos's GPU tests and the GPU benchmark on a lent GPU host from what device-pack.sh packed into .device/.
# Logs go to ${OUT:-/tmp/gpuos-device}. Usage: gpuos/gpuos-cuda/device-check.sh [tests|bench|all] [sizes]
set -uo pipefail
out=${OUT:-/tmp/gpuos-device}; mkdir -p "$out"
java=.device/jre/bin/java
cp=$(ls .device/lib/*.jar | grep -v console-standalone | tr '\n' ':')
if [ -z "${KEELSON_NVRTC_LIBRARY:-}" ]; then
  KEELSON_NVRTC_LIBRARY=$(ls /usr/local/cuda/lib64/libnvrtc.so.* 2>/dev/null | grep -v builtins | sort -V | tail -1)
  [ -n "$KEELSON_NVRTC_LIBRARY" ] || KEELSON_NVRTC_LIBRARY=$(find / -name 'libnvrtc.so.*' -not -name '*builtins*' 2>/dev/null | sort -V | tail -1)
  export KEELSON_NVRTC_LIBRARY
fi
export CUDA_MODULE_LOADING=EAGER
echo "nvrtc: $KEELSON_NVRTC_LIBRARY"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv 2>&1 | tee "$out/gpu.txt"
what=${1:-all}
if [ "$what" = tests ] || [ "$what" = all ]; then
  timeout ${TESTS_TIMEOUT:-150} "$java" -jar .device/lib/junit-platform-console-standalone-6.0.3.jar execute --class-path "$cp" \
    --select-class io.keelson.gpuos.cuda.NvrtcTest --select-class io.keelson.gpuos.cuda.CudaDeviceTest \
    --select-class io.keelson.gpuos.cuda.DeviceArenaTest --details=testfeed --disable-banner --disable-ansi-colors 2>&1 | tee "$out/tests.txt"
fi
if [ "$what" = bench ] || [ "$what" = all ]; then
  timeout ${BENCH_TIMEOUT:-150} "$java" -Xmx4g -cp "$cp" io.keelson.gpuos.cuda.CudaBenchmark ${2:-} 2>&1 | tee "$out/bench.txt"
fi
