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

# The project's installer covers the benchmark too: wrk and nginx from Debian, bench/'s npm packages.
"$root/scripts/install-deps.sh"

if [ -z "${MCPEDGE_BIN:-}" ]; then
  # The project's default build type (RelWithDebInfo) in a directory of the benchmark's own.
  cmake -S "$root" -B "$root/build-bench" -G Ninja >/dev/null
  cmake --build "$root/build-bench" -j2 --target mcpedge
  export MCPEDGE_BIN="$root/build-bench/mcpedge"
fi

mkdir -p "$here/.out"
# The cold-start probe, the open-loop load generator (bench/paced.cpp) and the idle-RSS floor
# (bench/rss_floor.cpp: the libraries mcpedge links, loaded and initialized), rebuilt when edited.
# Linked as the release build links them (MCPEDGE_STATIC_LIBS): OpenSSL shared, SQLite and the C++
# runtime static; the other C++ libraries are static too and cost nothing until used. libcurl is not
# linked: mcpedge loads it on its first outbound request (src/http/libcurl.hpp).
floor_libs=(-Wl,--no-as-needed -lcrypto -Wl,-Bstatic -lsqlite3 -Wl,-Bdynamic -ldl -lm -lpthread
  -static-libstdc++ -static-libgcc)
for probe in coldstart paced rss_floor; do
  if [ ! -x "$here/.out/$probe" ] || [ "$here/$probe.cpp" -nt "$here/.out/$probe" ]; then
    libs=()
    [ "$probe" = rss_floor ] && libs=("${floor_libs[@]}")
    g++ -O2 -std=c++20 -o "$here/.out/$probe" "$here/$probe.cpp" "${libs[@]}"
  fi
done

# Every stream is a descriptor on both ends: use the whole hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec node "$here/harness.mjs" "$@"
