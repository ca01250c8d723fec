#!/usr/bin/env bash
# Set-up + the main job: a real federation on MNIST (./fedn demo). A local server, 5 clients each training a
# small MLP on its own non-IID share of real digits, 5 rounds of FedAvg with validation on each
# client's held-out digits. Builds the CLI on first use. Extra arguments go to `fedn demo`
# (for example --clients 10 --rounds 8 --aggregator fedadam --alpha 0.1 --shards 2 --json out.json).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Set-up: the dashboard that ./fedn server serves at /dashboard/ (the demo itself does not need it).
"$root/scripts/build-dashboard.sh" || echo "demo: the dashboard was not built; the demo runs without it" >&2
exec "$root/fedn" demo "$@"
