#!/usr/bin/env bash
# Starts the local Azure emulators for manual runs with Azure storage (`--storage azure`):
#   Azurite (blobs, queues, tables) on its default ports 10000-10002, data in .fedn/azurite;
#   the Cosmos DB emulator (@vercel/cosmosdb-server, in memory) on https://127.0.0.1:8081.
# Prints the FedN settings that point at them. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -d node_modules/azurite ] && [ -d node_modules/@vercel/cosmosdb-server ] || npm ci --no-audit --no-fund --loglevel=error
mkdir -p .fedn/azurite
cosmos_port=${COSMOS_PORT:-8081}

node_modules/.bin/azurite --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  --location .fedn/azurite --skipApiVersionCheck --disableTelemetry --silent &
azurite=$!
node_modules/.bin/cosmosdb-server -p "$cosmos_port" --host 127.0.0.1 >/dev/null &
cosmos=$!
trap 'kill $azurite $cosmos 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

# The emulator accepts any base64 key; this is the documented Cosmos DB emulator key.
cat <<SETTINGS
Emulators running (Ctrl-C stops them). FedN settings:
  export FedN__Storage__ConnectionString='UseDevelopmentStorage=true'
  export FedN__Cosmos__ConnectionString='AccountEndpoint=https://127.0.0.1:${cosmos_port}/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==;'
  export FedN__Cosmos__Emulator=true
SETTINGS
wait -n
