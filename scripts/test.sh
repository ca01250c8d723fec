#!/usr/bin/env bash
# Runs every test of the solution, from a fresh clone: installs the emulators (npm ci), restores,
# builds (Release) and tests.
# Prints each project's result and, last, one line "N passed, N failed" summing them all.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Emulators the storage tests start (Azurite), pinned in package.json / package-lock.json.
if [ ! -d node_modules/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    echo "npm ci failed: the storage tests need the emulators in package.json"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

# FedNFacades=true: projects that use packages this machine cannot restore (Web PubSub, the
# Functions worker, Durable Task, Pulumi and Azure Native) compile against facades/ instead; see README "Facades".
if ! dotnet build FedN.sln -c Release -p:FedNFacades=true --nologo -v quiet -clp:"ErrorsOnly;NoSummary"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
dotnet test FedN.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# VSTest prints one summary per test project: "Passed!  - Failed: 0, Passed: 69, Skipped: 0, Total: 69, ..."
read -r passed failed projects < <(awk '
  /(Passed|Failed)! +- Failed: / {
    gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) }; n++
  }
  END { print p + 0, f + 0, n + 0 }' "$log")
rm -f "$log"

expected=$(find tests -name '*.Tests.csproj' | wc -l)
if [ "$projects" -ne "$expected" ]; then
  echo "only $projects of $expected test projects reported results"
  failed=$((failed + expected - projects))
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
