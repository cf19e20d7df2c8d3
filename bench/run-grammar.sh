#!/usr/bin/env bash
# Constrained decoding benchmarks, as the structured-outputs issue asks, in one run:
# 1. JMH (GrammarMaskBenchmark): the grammar's cost per step on Qwen2's vocabulary (151,936 tokens, from
#    ../shared/conformance) for a nested schema: the mask (median, p90), a whole constrained step beside the
#    unconstrained step, and the first use of a grammar (every mask computed). Writes bench/results/grammar-mask.{json,md}.
# 2. ConstrainedDecodeBenchmark: tokens/s constrained vs unconstrained at 1 and 16 concurrent sequences on the
#    TinyLlama-1.1B-shaped Q8_0 model (random weights from gen-model) through the pool's continuous batching.
#    Writes bench/results/grammar-decode.json and .md.
# Usage: bench/run-grammar.sh [threads]   (default 2). About 12 minutes on 2 cores; needs ~1.2 GB of disk in models/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/tinyllama-bench.sh"
mvn -q -B -ntp package -DskipTests -pl bench -am
vocab="${HEARTH_CONFORMANCE_DIR:-../shared/conformance}/models/tiny-qwen2-f32.gguf"
if [[ -f "$vocab" ]]; then
  "$JAVA" -jar bench/target/hearth-benchmarks.jar GrammarMaskBenchmark -p vocabulary="$vocab" -rf json -rff bench/results/grammar-mask.json
  python3 bench/grammar_report.py bench/results/grammar-mask.json bench/results/grammar-mask.md
else
  echo "skipping the mask benchmark: $vocab not found (llama.cpp's conformance data, ../shared/conformance)"
fi
run_tinyllama_bench io.hearth.bench.ConstrainedDecodeBenchmark grammar-decode "${1:-2}"
