#!/usr/bin/env bash
# Builds libhearthcuda.so into the jar's resources with nvcc: cudart linked statically (only the driver is needed at
# run time), a fat binary for sm_80, sm_89 and sm_90. Without nvcc the module still builds, Java only, and says so:
# the backend then reports itself unavailable at run time and the pool uses the CPU.
# Usage: build-cuda.sh <source dir> <output dir>
set -euo pipefail
src="$1"
out="$2/native/linux-x86_64"
nvcc="${NVCC:-$(command -v nvcc || true)}"
if [[ -z "$nvcc" && -x /usr/local/cuda/bin/nvcc ]]; then nvcc=/usr/local/cuda/bin/nvcc; fi
if [[ -z "$nvcc" ]]; then
  echo "[native-cuda] nvcc not found (PATH, NVCC, /usr/local/cuda/bin): building without the CUDA library; the CUDA backend will report itself unavailable"
  exit 0
fi
mkdir -p "$out"
if [[ -f "$out/libhearthcuda.so" && -z "$(find "$src" \( -name '*.cu' -o -name '*.h' \) -newer "$out/libhearthcuda.so")" ]]; then
  echo "[native-cuda] libhearthcuda.so is up to date"
  exit 0
fi
echo "[native-cuda] compiling $src with $nvcc ($("$nvcc" --version | tail -1))"
"$nvcc" -O3 -shared -Xcompiler -fPIC -cudart static \
  -gencode arch=compute_80,code=sm_80 -gencode arch=compute_89,code=sm_89 -gencode arch=compute_90,code=sm_90 \
  -o "$out/libhearthcuda.so" "$src"/*.cu
echo "[native-cuda] built $out/libhearthcuda.so"
