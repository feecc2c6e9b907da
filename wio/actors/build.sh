#!/bin/sh
# Rebuilds the storage actors' WebAssembly from their C sources (Debian: apt-get install clang lld). The .wasm files
# are committed beside the Java that loads them, so a build needs no C toolchain; WasmArtifactsTest checks they
# match these sources wherever clang is installed.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../wio-core/src/main/resources/io/keelson/wio/actors}"
mkdir -p "$out"
for actor in crc32c lz logfmt filter; do
  clang --target=wasm32 -O2 -nostdlib -fno-builtin -ffreestanding -Wall -Werror \
    -Wl,--no-entry -Wl,--export-dynamic -Wl,--strip-all -Wl,-z,stack-size=65536 \
    -o "$out/$actor.wasm" "$here/$actor.c"
done
