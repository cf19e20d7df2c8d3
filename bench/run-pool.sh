#!/usr/bin/env bash
# Pool benchmark, as the pool issue asks: time to first token from a warm replica, a host-tier cold start and a disk
# cold start of a TinyLlama-1.1B-shaped Q8_0 model (random weights from gen-model; nothing is downloaded), each
# beside its physical limit measured in the same run; and generated tokens/s at 1, 4 and 16 concurrent clients on
# one replica. Writes bench/results/pool-cpu.json and bench/results/pool-cpu.md.
# Usage: bench/run-pool.sh [threads]    (default 2). Needs ~1.2 GB of disk in models/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/tinyllama-bench.sh"
run_tinyllama_bench io.hearth.bench.PoolBenchmark pool-cpu "${1:-2}"
