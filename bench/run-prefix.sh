#!/usr/bin/env bash
# Prefix cache benchmark, as the prefix cache issue asks: time to first token of a TinyLlama-1.1B-shaped Q8_0 model
# (random weights from gen-model; nothing is downloaded) for a 1,024-token shared prefix plus a 32-token suffix:
# cold, local-tier hit and shared-tier hit from another node (two pools with their own Hazelcast members on
# loopback, in one JVM), with bytes per KV block, the rate the shared hit fetched at and loopback TCP bandwidth
# from the same run. Writes bench/results/prefix-cpu.json and bench/results/prefix-cpu.md.
# Usage: bench/run-prefix.sh [threads]    (default 2). Needs ~1.2 GB of disk in models/ and ~3 GB of memory.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/tinyllama-bench.sh"
run_tinyllama_bench io.hearth.bench.PrefixBenchmark prefix-cpu "${1:-2}" -Dhazelcast.logging.type=none
