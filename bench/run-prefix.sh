#!/usr/bin/env bash
# Prefix cache benchmark, as the prefix cache issue asks: time to first token of a TinyLlama-1.1B-shaped Q8_0 model
# (random weights from gen-model; nothing is downloaded) for a 1,024-token shared prefix plus a 32-token suffix:
# cold, local-tier hit and shared-tier hit from another node (two pools with their own Hazelcast members on
# loopback, in one JVM), with bytes per KV block, the rate the shared hit fetched at and loopback TCP bandwidth
# from the same run. Writes bench/results/prefix-cpu.json and bench/results/prefix-cpu.md.
# Usage: bench/run-prefix.sh [threads]    (default 2). Needs ~1.2 GB of disk in models/ and ~3 GB of memory.
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
  -Dhazelcast.logging.type=none -cp bench/target/hearth-benchmarks.jar \
  io.hearth.bench.PrefixBenchmark "$model" "$threads" bench/results/prefix-cpu.json 2>/dev/null | tee bench/results/prefix-cpu.md
