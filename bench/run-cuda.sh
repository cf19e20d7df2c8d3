#!/usr/bin/env bash
# The CUDA backend's check and benchmark in one call, on a GPU machine prepared by bench/prepare-cuda.sh (.device):
#  1. checks: the CUDA module's tests (kernels against the CPU engine, the backend against the CPU backend on
#     generated models of every weight type, batching, KV block copies, memory given back); a failure stops here;
#  2. generates llama-3.2-1b-shaped models (random weights, F16 and Q8_0; nothing is downloaded);
#  3. times load, decode at 1/8/32/64 sequences and a 512-token prefill, each beside its limit measured in the same
#     run (io.hearth.bench.CudaBenchmark), writing bench/results/cuda.json and cuda.md (and copies under $OUT).
# Usage: bench/run-cuda.sh      e.g. through the device tool: run(command="bash bench/run-cuda.sh", carry=[".device"])
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[[ -x .device/jdk/bin/java ]] || { echo ".device is missing: run bench/prepare-cuda.sh first (and carry .device)" >&2; exit 1; }
java=(.device/jdk/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0)
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
echo "== checks: native-cuda tests"
"${java[@]}" -jar .device/junit.jar execute --class-path .device/hearth-cuda.jar:.device/test-classes \
  --select-package io.hearth.cuda --details=summary --disable-banner
models="${TMPDIR:-/tmp}/hearth-cuda-models"
mkdir -p "$models" bench/results
for type in f16 q8_0; do
  [[ -f "$models/llama-3.2-1b-$type.gguf" ]] || "${java[@]}" -cp .device/hearth-cuda.jar io.hearth.engine.cli.HearthEngineCli \
    gen-model --shape llama-3.2-1b --type "$type" --output "$models/llama-3.2-1b-$type.gguf"
done
echo "== benchmark"
"${java[@]}" -cp .device/hearth-cuda.jar io.hearth.bench.CudaBenchmark bench/results/cuda.json \
  "$models/llama-3.2-1b-f16.gguf" "$models/llama-3.2-1b-q8_0.gguf" 2>/dev/null | tee bench/results/cuda.md
if [[ -n "${OUT:-}" ]]; then cp bench/results/cuda.json bench/results/cuda.md "$OUT/"; fi
