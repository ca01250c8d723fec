#!/usr/bin/env python3
"""FedN's validate entry point: python3 validate.py <model.safetensors> <metrics.json>."""
import json
import sys

import torch
from torch.nn import functional as F

import data
from fedn_safetensors import load_file
from model import Net


def main(model_path, metrics_path):
    model = Net()
    model.load_state_dict(load_file(model_path))
    model.eval()
    _, _, x, y = data.load()
    with torch.no_grad():
        logits = model(x)
        loss = F.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(1) == y).float().mean().item()
    with open(metrics_path, "w") as f:
        json.dump({"numExamples": len(x), "metrics": {"accuracy": accuracy, "loss": loss}}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
