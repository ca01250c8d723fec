#!/usr/bin/env bash
# Starts Azurite on 127.0.0.1 with its default ports (10000-10002), for manual runs with Azure
# storage (UseDevelopmentStorage=true). Data goes to .fedn/azurite; Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -d node_modules/azurite ] || npm ci --no-audit --no-fund --loglevel=error
mkdir -p .fedn/azurite
exec node_modules/.bin/azurite --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  --location .fedn/azurite --skipApiVersionCheck --disableTelemetry
