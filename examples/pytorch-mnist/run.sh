#!/usr/bin/env bash
# A PyTorch federation on one machine, through the CLI alone: a local server, a signed compute
# package, N clients that run it on their non-IID shares of the shipped MNIST digits.
#   examples/pytorch-mnist/run.sh [clients] [rounds]
# PYTHON names an interpreter with torch and numpy (Debian: apt-get install python3-torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
clients=${1:-3}
rounds=${2:-5}
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d /tmp/fedn-pytorch-XXXXXX)
port=$((20000 + RANDOM % 20000))
export FEDN_SERVER=http://127.0.0.1:$port
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true' EXIT

./fedn server --data "$work/data" --port "$port" > "$work/server.log" 2>&1 &
export FEDN_TOKEN=$(./fedn token create --role admin --data "$work/data")
until curl -fs "$FEDN_SERVER/readyz" > /dev/null; do sleep 0.2; done

./fedn package keygen --out "$work/publisher.pem" > /dev/null
./fedn package create examples/pytorch-mnist --name pytorch-mnist --sign "$work/publisher.pem" \
  --entry train="$python train.py" --entry validate="$python validate.py" --out "$work/package.tar.gz"
package=$(./fedn package upload "$work/package.tar.gz" --json | "$python" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"$python" examples/pytorch-mnist/seed.py "$work/seed.safetensors"
./fedn model upload "$work/seed.safetensors" --id torch-seed > /dev/null

for ((i = 0; i < clients; i++)); do
  FEDN_TOKEN=$(./fedn token create --role client --client-id torch-$i --data "$work/data") \
  FEDN_MNIST=$PWD/examples/mnist/mnist-10k.bin.gz FEDN_CLIENT_INDEX=$i FEDN_CLIENT_COUNT=$clients \
    ./fedn client run --trust "$work/publisher.pem.pub" --work-dir "$work/client-$i" > "$work/client-$i.log" 2>&1 &
done

./fedn session start --id pytorch --seed torch-seed --package "$package" --rounds "$rounds" \
  --min-clients "$clients" --round-timeout 300 --wait
./fedn session show pytorch
