#!/usr/bin/env bash
# JMH suite for the engine's kernels (per core): decode, a 16-token batched step and 64-token prefill of a 5632×2048 matrix in every type.
# Writes bench/results/kernels.json (JMH's format) and prints JMH's table. Takes about 3 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source bin/lib/java25.sh
mvn -q -B -ntp package -DskipTests -pl bench -am
"$JAVA" -jar bench/target/hearth-benchmarks.jar KernelBenchmark -rf json -rff bench/results/kernels.json "$@"
