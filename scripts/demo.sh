#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and starts the demo on 127.0.0.1:8080.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MCPEDGE_SKIP_NPM=1 "$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
exec "$root/build/mcpedge" demo --listen "${MCPEDGE_LISTEN:-127.0.0.1:8080}" --data "${MCPEDGE_DATA:-$root/.demo-data}"
