#!/usr/bin/env python3
"""FedN's train entry point: python3 train.py <in.safetensors> <out.safetensors>.

Loads the global model, trains it on this client's data, writes the model (same tensor names) and,
beside it, out.json with {"numExamples", "metrics"}: the example count is this update's weight.
"""
import json
import os
import sys

import torch
from torch.nn import functional as F

import data
from fedn_safetensors import load_file, save_file
from model import Net

EPOCHS = int(os.environ.get("FEDN_EPOCHS", "1"))
BATCH_SIZE = 32
LEARNING_RATE = 0.05


def main(in_path, out_path):
    torch.manual_seed(int(os.environ.get("FEDN_SEED", "1")) * 1000 + int(os.environ.get("FEDN_CLIENT_INDEX", "0")))
    model = Net()
    model.load_state_dict(load_file(in_path))
    x, y, _, _ = data.load()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.9)
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for _ in range(EPOCHS):
        order = torch.randperm(len(x))
        for start in range(0, len(x), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            optimizer.zero_grad()
            logits = model(x[batch])
            loss = F.cross_entropy(logits, y[batch])
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch)
            correct += (logits.argmax(1) == y[batch]).sum().item()
            seen += len(batch)
    save_file(model.state_dict(), out_path)
    with open(os.path.splitext(out_path)[0] + ".json", "w") as f:
        json.dump({"numExamples": len(x), "metrics": {"loss": total_loss / seen, "accuracy": correct / seen}}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
