#!/usr/bin/env bash
# Builds libhearthcpu.so into the jar's resources with the system C compiler: the kernels twice (AVX2+FMA+F16C, and
# AVX-512 F/BW/VL with VNNI), one dispatcher. Without a C compiler the module still builds, Java only, and says so:
# the engine then keeps its Java Vector path.
# Usage: build-cpu.sh <source dir> <output dir>
set -euo pipefail
src="$1"
out="$2/native/linux-x86_64"
cc="${CC:-$(command -v gcc || command -v cc || true)}"
if [[ -z "$cc" || "${HEARTH_NATIVE_CPU:-on}" == "off" ]]; then
  echo "[native-cpu] no C compiler (CC, gcc, cc) or HEARTH_NATIVE_CPU=off: building without the CPU kernels; the engine keeps its Java path"
  exit 0
fi
if [[ "$(uname -m)" != "x86_64" ]]; then
  echo "[native-cpu] $(uname -m) is not x86-64: building without the CPU kernels"
  exit 0
fi
mkdir -p "$out"
if [[ -f "$out/libhearthcpu.so" && -z "$(find "$src" -name '*.[ch]' -newer "$out/libhearthcpu.so")" ]]; then
  echo "[native-cpu] libhearthcpu.so is up to date"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
common=(-O3 -fPIC -std=c11 -Wall -Werror -fno-strict-aliasing)
"$cc" "${common[@]}" -mavx2 -mfma -mf16c -DISA_SUFFIX=_avx2 -c "$src/hearth_cpu_kernels.c" -o "$tmp/avx2.o"
"$cc" "${common[@]}" -mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512vnni -DUSE_VNNI -DISA_SUFFIX=_vnni \
  -c "$src/hearth_cpu_kernels.c" -o "$tmp/vnni.o"
"$cc" "${common[@]}" -c "$src/hearth_cpu.c" -o "$tmp/dispatch.o"
"$cc" -shared -o "$out/libhearthcpu.so" "$tmp"/*.o
echo "[native-cpu] built $out/libhearthcpu.so with $("$cc" --version | head -1)"
