#!/usr/bin/env bash
# Installs what building and testing mcpedge needs on Debian 12 (bookworm): Debian packages for the
# build and the test services, then the test clients from npm under tests/integration.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
  g++ cmake ninja-build pkg-config clang-format git ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev
  libvalijson-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev libgtest-dev
  chromium  # headless browser for the sign-in tests, driven by npm playwright-core (which cannot download one)
  wrk nginx  # the benchmark harness (bench/run.sh), whose smoke mode runs in the integration tests
  valgrind   # bench/instructions.mjs (instructions per request under callgrind), also smoke-tested
  sqlite3    # the upgrade test writes a store as an older mcpedge left it
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Test clients (the MCP TypeScript SDK, the conformance suite, Node 22) and the benchmark's
# TypeScript peer (express + the SDK), each pinned by its lockfile.
if [ "${MCPEDGE_SKIP_NPM:-0}" != 1 ]; then
  for dir in tests/integration bench; do
    cd "$root/$dir"
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
      npm ci --no-audit --no-fund --loglevel=error
    fi
  done
fi
