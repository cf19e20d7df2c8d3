#!/usr/bin/env bash
# Load test of one function on one replica, at 1x, 2x and 4x its capacity (its concurrency limit), on loopback against
# the integration-test server: accepted throughput, p50/p99 latency of accepted calls, calls shed with 429, errors.
# The same test runs in CI in a short form (LoadSheddingIT, 3 s a level); this runs it for longer and keeps the table.
# Usage: bench/run-load.sh [seconds per level, default 30]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source bin/lib/java25.sh
mkdir -p bench/results
mvn -q -B -ntp verify -pl liberty-config -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=LoadSheddingIT \
  -Dhearth.load.seconds="${1:-30}" -Dhearth.load.results="$root/bench/results/load-cpu"
cat bench/results/load-cpu.md
