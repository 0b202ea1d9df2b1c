#!/usr/bin/env bash
# One command for the benchmarks: installs what is missing (Debian: wrk, nginx; npm: the
# TypeScript SDK peer under bench/), builds the release binary unless MCPEDGE_BIN names one, builds
# the cold-start probe, then runs every workload and prints measured numbers, ratios against peers
# measured in the same run, and each target met or missed.
#   bench/run.sh            full run (several minutes)
#   bench/run.sh --smoke    every workload tiny (seconds); non-zero exit when something does not work
# Extra arguments go to harness.mjs (e.g. --json FILE).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ -z "${MCPEDGE_BIN:-}" ]; then
  # The project's default build type (RelWithDebInfo) in a directory of the benchmark's own.
  cmake -S "$root" -B "$root/build-bench" -G Ninja >/dev/null
  cmake --build "$root/build-bench" -j2 --target mcpedge
  export MCPEDGE_BIN="$root/build-bench/mcpedge"
fi

mkdir -p "$here/.out"
if [ ! -x "$here/.out/coldstart" ] || [ "$here/coldstart.cpp" -nt "$here/.out/coldstart" ]; then
  g++ -O2 -std=c++20 -o "$here/.out/coldstart" "$here/coldstart.cpp"
fi

# Every stream is a descriptor on both ends: use the whole hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec node "$here/harness.mjs" "$@"
