#!/usr/bin/env bash
# Set-up: installs the npm packages pinned in package.json (the dashboard's toolchain and the storage
# emulators) when missing or stale, and builds the dashboard (dashboard/ -> dashboard/dist) when its
# sources changed. The .NET build copies dashboard/dist into the server and the Functions app.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v npm >/dev/null || { echo "npm not found: the dashboard and the emulators need Node.js 20.19 or later with npm" >&2; exit 1; }
if [ ! -d node_modules/vite ] || [ ! -d node_modules/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    echo "npm ci failed: the dashboard and the storage tests need the packages in package.json" >&2
    exit 1
  fi
fi
if [ ! -f dashboard/dist/index.html ] || [ -n "$(find dashboard package.json -newer dashboard/dist/index.html -not -path 'dashboard/dist/*' -type f -print -quit)" ]; then
  if ! npm run --silent build:dashboard; then
    echo "the dashboard did not build (npm run build:dashboard)" >&2
    exit 1
  fi
fi
