#!/usr/bin/env bash
# Runs every test of the solution, from a fresh clone: installs the emulators and the dashboard's
# toolchain (npm ci), builds the dashboard, installs Chromium and python3-torch when missing (as root, with apt-get),
# restores, builds (Release) and tests.
# Prints each project's result and, last, one line "N passed, N failed" summing them all.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The emulators the storage tests start and the dashboard's toolchain (package.json), and the dashboard's build.
if ! ./scripts/build-dashboard.sh; then
  echo "0 passed, 1 failed"
  exit 1
fi

# The dashboard's browser tests drive Debian's Chromium (Playwright cannot download its own here).
if [ -z "${FEDN_CHROMIUM:-}" ] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the dashboard tests..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >/dev/null \
      || echo "apt-get could not install chromium: the dashboard tests will fail and say so"
  else
    echo "chromium is not installed (apt-get install chromium, or set FEDN_CHROMIUM): the dashboard tests will fail and say so"
  fi
fi

# Debian's PyTorch for the compute-package example (examples/pytorch-mnist) and its tests.
export FEDN_TORCH_PYTHON=${FEDN_TORCH_PYTHON:-/usr/bin/python3}
if ! "$FEDN_TORCH_PYTHON" -c "import torch, numpy" 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's python3-torch for the PyTorch example's tests..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch python3-numpy; } >/dev/null \
      || echo "apt-get could not install python3-torch: the PyTorch tests will fail and say so"
  else
    echo "$FEDN_TORCH_PYTHON cannot import torch (apt-get install python3-torch, or set FEDN_TORCH_PYTHON): the PyTorch tests will fail and say so"
  fi
fi

# FedNFacades=true: projects that use packages this machine cannot restore (Web PubSub, the
# Functions worker, Durable Task, Pulumi and Azure Native) compile against facades/ instead; see docs/azure.md "Facades".
if ! dotnet build FedN.sln -c Release -p:FedNFacades=true --nologo -v quiet -clp:"ErrorsOnly;NoSummary"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
rm -rf artifacts/dashboard
dotnet test FedN.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# VSTest prints one summary per test project: "Passed!  - Failed: 0, Passed: 69, Skipped: 0, Total: 69, ..."
read -r passed failed projects < <(awk '
  /(Passed|Failed)! +- Failed: / {
    gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) }; n++
  }
  END { print p + 0, f + 0, n + 0 }' "$log")
rm -f "$log"

# The PyTorch example's own tests (its safetensors reader and writer), in Python.
python_log=$(mktemp)
(cd examples/pytorch-mnist && "$FEDN_TORCH_PYTHON" -B -m unittest -v test_fedn_safetensors) > "$python_log" 2>&1
python_status=$?
cat "$python_log"
python_passed=$(grep -c ' \.\.\. ok$' "$python_log")
python_failed=$(grep -cE ' \.\.\. (FAIL|ERROR)$' "$python_log")
rm -f "$python_log"
if [ "$python_status" -ne 0 ] && [ "$python_failed" -eq 0 ]; then python_failed=1; fi
if [ "$python_status" -ne 0 ]; then status=1; fi
passed=$((passed + python_passed))
failed=$((failed + python_failed))

# The load benchmark in smoke mode: 200 SDK clients, one round, every update aggregated (no figures checked).
echo "load smoke: dotnet run -c Release --project bench/FedN.Bench.Load -- --smoke"
if dotnet bench/FedN.Bench.Load/bin/Release/net10.0/FedN.Bench.Load.dll --smoke; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  status=1
fi

expected=$(find tests -name '*.Tests.csproj' | wc -l)
if [ "$projects" -ne "$expected" ]; then
  echo "only $projects of $expected test projects reported results"
  failed=$((failed + expected - projects))
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
# The dashboard test's screenshot, kept as the run's artifact.
if [ -f artifacts/dashboard/session.png ]; then echo "dashboard screenshot: $PWD/artifacts/dashboard/session.png"; fi
echo "$passed passed, $failed failed"
exit "$status"
