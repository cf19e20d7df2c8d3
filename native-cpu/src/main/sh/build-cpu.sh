#!/usr/bin/env bash
# Builds libhearthcpu.so into the jar's resources with the system C compiler: the kernels twice (AVX2+FMA+F16C, and
# AVX-512 F/BW/VL with VNNI), one dispatcher. Without a usable C compiler (none, one that lacks these flags or fails),
# on another architecture, or with HEARTH_NATIVE_CPU=off, the module builds Java only, says why, and leaves no older
# library behind: the engine then keeps its Java path.
# Usage: build-cpu.sh <source dir> <output dir>
set -euo pipefail
src="$1"
out="$2/native/linux-x86_64"
library="$out/libhearthcpu.so"
# beside the jar's resources, not in them: the compiler the library was built with
stamp="$2/../libhearthcpu.built-with"
without() {
  rm -f "$library" "$stamp"
  echo "[native-cpu] $1: building without the CPU kernels; the engine keeps its Java path"
  exit 0
}
[[ "${HEARTH_NATIVE_CPU:-on}" != "off" ]] || without "HEARTH_NATIVE_CPU=off"
[[ "$(uname -m)" == "x86_64" ]] || without "$(uname -m) is not x86-64"
cc="${CC:-$(command -v gcc || command -v cc || true)}"
[[ -n "$cc" ]] && command -v "$cc" > /dev/null || without "no C compiler (CC, gcc, cc)"
mkdir -p "$out"
# up to date only if built from these sources by this script with this compiler
if [[ -f "$library" && -f "$stamp" && "$(cat "$stamp")" == "$cc" && -z "$(find "$src" "${BASH_SOURCE[0]}" -newer "$library" -name '*.[chs]*')" ]]; then
  echo "[native-cpu] libhearthcpu.so is up to date"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
common=(-O3 -fPIC -std=c11 -Wall -fno-strict-aliasing)
"$cc" "${common[@]}" -mavx2 -mfma -mf16c -DISA_SUFFIX=_avx2 -c "$src/hearth_cpu_kernels.c" -o "$tmp/avx2.o" \
  || without "$cc could not build the AVX2 kernels"
"$cc" "${common[@]}" -mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512vnni -DUSE_VNNI -DISA_SUFFIX=_vnni \
  -c "$src/hearth_cpu_kernels.c" -o "$tmp/vnni.o" || without "$cc could not build the AVX-512 VNNI kernels (too old for -mavx512vnni?)"
"$cc" "${common[@]}" -c "$src/hearth_cpu.c" -o "$tmp/dispatch.o" || without "$cc could not build the dispatcher"
"$cc" -shared -o "$library" "$tmp"/*.o || without "$cc could not link the library"
echo "$cc" > "$stamp"
echo "[native-cpu] built $library with $("$cc" --version | head -1)"
