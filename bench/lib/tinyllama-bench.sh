# Sourced by the pool and prefix benchmarks: builds the benchmark jar, makes sure the TinyLlama-1.1B-shaped Q8_0
# model exists (random weights from gen-model; nothing is downloaded), and runs a benchmark class on it with the JVM
# flags the server runs with (liberty-config jvm.options), writing bench/results/<name>.json and <name>.md.
# Usage: run_tinyllama_bench <main class> <result name> <threads> [extra JVM flags...]
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source bin/lib/java25.sh

run_tinyllama_bench() {
  local main="$1" name="$2" threads="$3"
  shift 3
  mvn -q -B -ntp package -DskipTests -pl bench -am
  mkdir -p models bench/results
  local model="models/tinyllama-1.1b-q8_0.gguf"
  [[ -f "$model" ]] || bin/hearth-engine gen-model --shape tinyllama-1.1b --type q8_0 --output "$model"
  java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 \
    "$@" -cp bench/target/hearth-benchmarks.jar \
    "$main" "$model" "$threads" "bench/results/$name.json" 2>/dev/null | tee "bench/results/$name.md"
}
