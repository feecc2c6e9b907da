#!/bin/sh
# Rebuilds the misbehaving test modules from their WebAssembly text (Debian: apt-get install wabt).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
for wat in "$here"/*.wat; do
  wat2wasm "$wat" -o "${wat%.wat}.wasm"
done
