#!/usr/bin/env bash
# Prepares the CUDA benchmark for a GPU machine that has a driver but no Java and no network (the device tool's):
# builds the project here (nvcc compiles the kernels into the jar), then writes into .device/ (git-ignored, about
# 50 MB, under the device tool's 64 MiB carry limit):
#   jdk/        a JDK 25 runtime cut down by jlink to the modules the engine and its tests use;
#   hearth-cuda.jar   the engine, the CUDA backend, the benchmark and their libraries, nothing of the server;
#   test-classes/, junit.jar   the CUDA module's tests and JUnit's console launcher, to check before timing.
# Then, on the GPU machine: bench/run-cuda.sh (with .device carried). See README, "CUDA backend".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source bin/lib/java25.sh
command -v nvcc >/dev/null || [[ -x /usr/local/cuda/bin/nvcc ]] || { echo "nvcc is needed to build the kernels the GPU machine runs" >&2; exit 1; }
mvn -q -B -ntp package -DskipTests -pl bench -am
mvn -q -B -ntp test-compile -pl native-cuda
junit_version=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml)
platform_version="1${junit_version#5}"   # JUnit Jupiter 5.x.y ships with Platform 1.x.y
rm -rf .device && mkdir -p .device/slim
mvn -q -B -ntp dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform_version" -DoutputDirectory=.device -Dmdep.stripVersion=true
mv .device/junit-platform-console-standalone.jar .device/junit.jar
(cd .device/slim && unzip -q "$root/bench/target/hearth-benchmarks.jar" 'io/hearth/engine/*' 'io/hearth/cuda/*' 'io/hearth/bench/CudaBenchmark*' \
  'com/fasterxml/*' 'picocli/*' 'native/*' 'META-INF/MANIFEST.MF' && "$JAVA_HOME/bin/jar" cfm ../hearth-cuda.jar META-INF/MANIFEST.MF io com picocli native)
rm -rf .device/slim
cp -r native-cuda/target/test-classes .device/test-classes
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.incubator.vector,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output .device/jdk 2>/dev/null
unzip -l .device/hearth-cuda.jar | grep -q libhearthcuda.so || { echo "the jar has no CUDA library: nvcc did not build it" >&2; exit 1; }
echo "prepared .device ($(du -sh .device | cut -f1)): run bench/run-cuda.sh on the GPU machine with .device carried"
