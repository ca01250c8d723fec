#!/usr/bin/env python3
"""Writes the seed model: python3 seed.py <out.safetensors> (PyTorch's default initialisation, seeded)."""
import sys

import torch

from fedn_safetensors import save_file
from model import Net

if __name__ == "__main__":
    torch.manual_seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    save_file(Net().state_dict(), sys.argv[1])
