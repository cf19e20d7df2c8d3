#!/usr/bin/env bash
# Pool benchmark, as the pool issue asks: time to first token from a warm replica, a host-tier cold start and a disk
# cold start of a TinyLlama-1.1B-shaped Q8_0 model (random weights from gen-model; nothing is downloaded), each
# beside its physical limit measured in the same run; and generated tokens/s at 1, 4 and 16 concurrent clients on
# one replica. Writes bench/results/pool-cpu.json and bench/results/pool-cpu.md.
# Usage: bench/run-pool.sh [threads]    (default 2). Needs ~1.2 GB of disk in models/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source bin/lib/java25.sh
threads="${1:-2}"
mvn -q -B -ntp package -DskipTests -pl bench -am
mkdir -p models bench/results
model="models/tinyllama-1.1b-q8_0.gguf"
[[ -f "$model" ]] || bin/hearth-engine gen-model --shape tinyllama-1.1b --type q8_0 --output "$model"
# the JVM flags the server runs with (liberty-config jvm.options)
java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 \
  -cp bench/target/hearth-benchmarks.jar \
  io.hearth.bench.PoolBenchmark "$model" "$threads" bench/results/pool-cpu.json 2>/dev/null | tee bench/results/pool-cpu.md
