#!/usr/bin/env bash
# Packs what gpuos's GPU checks need on a GPU host that has a driver and the CUDA toolkit but no JDK and no
# Maven repository: a jlinked Java 17 runtime, the jars (JCuda's natives cut to the driver binding) and the
# compiled tests, into .device/ (untracked). Run from the repository root after `./mvnw -pl gpuos/gpuos-cuda -am install`.
set -euo pipefail
out=.device
rm -rf "$out" && mkdir -p "$out/lib"
jlink --add-modules java.base,java.logging,java.management,jdk.unsupported,java.xml --strip-debug --no-header-files \
  --no-man-pages --compress=2 --output "$out/jre"
m2=${MAVEN_REPO:-$HOME/.m2/repository}
cp gpuos/gpuos-core/target/gpuos-core-*-SNAPSHOT.jar gpuos/gpuos-core/target/gpuos-core-*-tests.jar \
   gpuos/gpuos-cuda/target/gpuos-cuda-*-SNAPSHOT.jar "$out/lib/"
(cd gpuos/gpuos-cuda/target/test-classes && jar cf "../../../../$out/lib/gpuos-cuda-tests.jar" .)
v=12.6.0
cp "$m2/org/jcuda/jcuda/$v/jcuda-$v.jar" "$m2/net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar" \
   "$m2/org/junit/platform/junit-platform-console-standalone/6.0.3/junit-platform-console-standalone-6.0.3.jar" \
   "$m2/org/assertj/assertj-core/3.27.7/assertj-core-3.27.7.jar" "$m2/net/bytebuddy/byte-buddy/1.17.8/byte-buddy-1.17.8.jar" "$out/lib/"
tmp=$(mktemp -d)
(cd "$tmp" && unzip -q "$m2/org/jcuda/jcuda-natives/$v/jcuda-natives-$v-linux-x86_64.jar" "lib/libJCudaDriver-*" "lib/libJCudaRuntime-*" \
  && jar cf natives.jar lib)
cp "$tmp/natives.jar" "$out/lib/jcuda-natives-driver-$v.jar"
rm -rf "$tmp"
du -sh "$out"
