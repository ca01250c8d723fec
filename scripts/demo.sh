#!/usr/bin/env bash
# The main job for now: one federated round's aggregation on generated example files, with the same
# engine the combiners and the reducer use. Builds the CLI on first use (./fedn).
# (The MNIST federation, `./fedn demo`, replaces this once the server and clients exist.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fedn="$root/fedn"
work="${1:-$(mktemp -d -t fedn-demo-XXXX)}"
mkdir -p "$work"

echo "== generating a global model and 5 client updates (an MNIST-sized MLP) in $work"
"$fedn" model random --out "$work/global.safetensors" --seed 0
updates=()
examples=(1200 800 2000 300 700)
for i in 1 2 3 4 5; do
  "$fedn" model random --out "$work/client$i.safetensors" --seed "$i"
  updates+=("$work/client$i.safetensors:${examples[$((i - 1))]}")
done

echo "== FedAvg, weighted by each client's number of examples"
"$fedn" model aggregate --method fedavg --out "$work/round1-fedavg.safetensors" "${updates[@]}"

echo "== FedAdam: two rounds, optimizer state carried in a file"
"$fedn" model aggregate --method fedadam --base "$work/global.safetensors" --state "$work/fedadam-state.safetensors" \
  --out "$work/round1-fedadam.safetensors" "${updates[@]}"
"$fedn" model aggregate --method fedadam --base "$work/round1-fedadam.safetensors" --state "$work/fedadam-state.safetensors" \
  --out "$work/round2-fedadam.safetensors" "${updates[@]}"

echo "== the new global model"
"$fedn" model inspect "$work/round2-fedadam.safetensors"

echo "== a bad update is refused with a reason, and nothing is written"
printf 'not a model' > "$work/broken.safetensors"
if "$fedn" model aggregate --out "$work/never.safetensors" "${updates[0]}" "$work/broken.safetensors:100"; then
  echo "unexpected: the broken update was accepted"; exit 1
fi
[ ! -e "$work/never.safetensors" ] && echo "(no output written)"
