#!/usr/bin/env bash
# CPU engine benchmark beside llama.cpp, as the engine issue asks: prompt (128 and 512 tokens) and generation (64
# tokens) tokens/s with the given threads on TinyLlama-1.1B-shaped files (random weights from gen-model; nothing is
# downloaded), the engine and llama.cpp's own llama-bench (../shared/tools/llama-bench, when present) on the same file,
# alternating, twice; generation next to the memory-bandwidth limit measured in the same run. The table says which CPU
# and which of the engine's kernels (C on AVX-512 VNNI or AVX2, or the Java path) ran.
# Writes bench/results/engine-cpu.json and bench/results/engine-cpu.md.
# Usage: bench/run-engine.sh [threads] [types...]    (defaults: 2, q8_0 q4_0 f16). Needs ~4 GB of disk in models/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source bin/lib/java25.sh
threads="${1:-2}"; shift || true
types=("$@"); [[ ${#types[@]} -gt 0 ]] || types=(q8_0 q4_0 f16)
llama="$root/../shared/tools/llama-bench"
mvn -q -B -ntp package -DskipTests -pl model-engine -am
mkdir -p models bench/results
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for type in "${types[@]}"; do
  model="models/tinyllama-1.1b-$type.gguf"
  [[ -f "$model" ]] || bin/hearth-engine gen-model --shape tinyllama-1.1b --type "$type" --output "$model"
  for round in 1 2; do
    # the Java path beside the C kernels, for the types they take: what the kernels change, in the same run
    paths=(hearth); [[ $type == q8_0 || $type == q4_0 ]] && paths+=(hearth-java)
    for path in "${paths[@]}"; do
      for prompt in 128 512; do
        echo "$path: $model, round $round, prompt $prompt ..." >&2
        gen=$([[ $prompt == 128 ]] && echo 64 || echo 8)
        opts=$([[ $path == hearth-java ]] && echo "-Dhearth.engine.native=off" || true)
        echo "{\"engine\":\"$path\",\"round\":$round,\"result\":$(HEARTH_ENGINE_JAVA_OPTS="$opts" bin/hearth-engine bench --model "$model" \
          --threads "$threads" --prompt-tokens "$prompt" --gen-tokens "$gen" --repetitions 1 --json 2>/dev/null)}" >> "$out"
      done
    done
    if [[ -x "$llama" ]]; then
      echo "llama.cpp: $model, round $round ..." >&2
      echo "{\"engine\":\"llama.cpp\",\"round\":$round,\"result\":$("$llama" -m "$model" -t "$threads" -p 128,512 -n 64 -r 1 -o json 2>/dev/null | tr -d '\n')}" >> "$out"
    fi
  done
done
python3 "$root/bench/engine_report.py" "$threads" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)" \
  bench/results/engine-cpu.json bench/results/engine-cpu.md < "$out"
cat bench/results/engine-cpu.md
