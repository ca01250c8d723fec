#!/usr/bin/env bash
# scripts/attack-experiments.sh [ROUNDS]: the README's poisoning table. Runs `fedn demo` with 10
# clients for every defence under every attack, on a balanced IID split (the FEDn lecture's setting)
# and on a Dirichlet(0.5) split, and prints one Markdown row per run: clean test accuracy and the
# backdoor's success rate after the last round, and the command that produced them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-5}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

defences=(
  "FedAvg|--aggregator fedavg"
  "norm bounding (1.0)|--aggregator fedavg --update-norm-bound 1"
  "median|--aggregator median"
  "trimmed mean (β 0.2)|--aggregator trimmed-mean --beta 0.2"
  "Multi-Krum (f 2, m 6)|--aggregator multi-krum --byzantine 2 --selected 6"
)
attacks=(
  "none|"
  "label flip 10%|--attack label-flip --malicious 0.1"
  "label flip 20%|--attack label-flip --malicious 0.2"
  "backdoor 20%|--attack backdoor --malicious 0.2"
  "scaling 10%|--attack scale --malicious 0.1"
)
splits=("IID|--iid" "Dirichlet 0.5|--alpha 0.5")

echo "| split | attack | defence | clean accuracy | backdoor success | command |"
echo "| --- | --- | --- | --- | --- | --- |"
for split in "${splits[@]}"; do
  for attack in "${attacks[@]}"; do
    for defence in "${defences[@]}"; do
      args="--clients 10 --rounds $rounds ${split#*|} ${attack#*|} ${defence#*|}"
      json="$out/run.json"
      rm -f "$json"
      # shellcheck disable=SC2086 # the arguments are words on purpose
      if "$root/fedn" demo $args --json "$json" > "$out/log" 2>&1; then
        read -r accuracy backdoor < <(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); r=s["rounds"][-1]; print("%.4f %.4f" % (r["testAccuracy"], r["backdoorSuccess"]))' "$json")
      elif [ -f "$json" ]; then
        accuracy="failed: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["message"])' "$json" | head -c 80)"; backdoor="-"
      else
        accuracy="failed: $(tail -1 "$out/log" | head -c 80)"; backdoor="-"
      fi
      echo "| ${split%%|*} | ${attack%%|*} | ${defence%%|*} | $accuracy | $backdoor | \`./fedn demo $(echo $args)\` |"
    done
  done
done
