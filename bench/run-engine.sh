#!/usr/bin/env bash
# CPU engine benchmark, as the engine issue asks: prompt processing and generation tokens/s with 2 threads for a
# TinyLlama-1.1B-shaped model in F16, Q8_0 and Q4_0 (random weights from gen-model; nothing is downloaded), each
# next to the memory-bandwidth limit measured in the same run, and next to llama.cpp's figures on this machine kind
# (../shared/conformance/README.md). Writes bench/results/engine-cpu.json and bench/results/engine-cpu.md.
# Usage: bench/run-engine.sh [threads] [types...]    (defaults: 2, f16 q8_0 q4_0). Needs ~4 GB of disk in models/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source bin/lib/java25.sh
threads="${1:-2}"; shift || true
types=("$@"); [[ ${#types[@]} -gt 0 ]] || types=(f16 q8_0 q4_0)
mvn -q -B -ntp package -DskipTests -pl model-engine -am
mkdir -p models bench/results
runs=()
for type in "${types[@]}"; do
  model="models/tinyllama-1.1b-$type.gguf"
  [[ -f "$model" ]] || bin/hearth-engine gen-model --shape tinyllama-1.1b --type "$type" --output "$model"
  echo "benchmarking $model with $threads threads ..." >&2
  runs+=("$(bin/hearth-engine bench --model "$model" --threads "$threads" --prompt-tokens 128 --gen-tokens 64 --repetitions 2 --json 2>/dev/null)")
done
printf '%s\n' "${runs[@]}" | python3 "$root/bench/engine_report.py" "$threads" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)" \
  bench/results/engine-cpu.json bench/results/engine-cpu.md
cat bench/results/engine-cpu.md
