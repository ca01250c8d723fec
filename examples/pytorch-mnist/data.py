"""This client's share of the shipped MNIST digits (examples/mnist), split non-IID.

In a real federation each site reads its own data here. For the example, every client reads the
same file and keeps its share of a Dirichlet(alpha) split over the labels, chosen by
FEDN_CLIENT_INDEX of FEDN_CLIENT_COUNT (seeded, so every client computes the same split); the
last 20 % of its share are held out for validation.

Environment: FEDN_MNIST (the .bin.gz file), FEDN_CLIENT_INDEX, FEDN_CLIENT_COUNT, FEDN_ALPHA (0.5),
FEDN_SEED (1).
"""
import gzip
import os

import numpy as np
import torch


def _read(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if raw[:8] != b"FNMNIST1":
        raise ValueError(f"{path} is not an FNMNIST1 file")
    count = int.from_bytes(raw[8:12], "little")
    labels = np.frombuffer(raw, dtype=np.uint8, count=count, offset=12).astype(np.int64)
    pixels = np.frombuffer(raw, dtype=np.uint8, count=count * 784, offset=12 + count)
    return pixels.reshape(count, 1, 28, 28), labels


def dirichlet_split(labels, clients, alpha, seed):
    """Indices of each client's share: for every digit, its examples divided by Dirichlet(alpha) proportions."""
    rng = np.random.RandomState(seed)
    shares = [[] for _ in range(clients)]
    for digit in range(10):
        indices = np.flatnonzero(labels == digit)
        rng.shuffle(indices)
        proportions = rng.dirichlet([alpha] * clients)
        cuts = (np.cumsum(proportions)[:-1] * len(indices)).astype(int)
        for share, part in zip(shares, np.split(indices, cuts)):
            share.extend(part.tolist())
    for share in shares:
        rng.shuffle(share)
    return shares


def load():
    """(train_x, train_y, validation_x, validation_y) as float tensors in [0, 1] and label tensors."""
    path = os.environ["FEDN_MNIST"]
    index = int(os.environ.get("FEDN_CLIENT_INDEX", "0"))
    count = int(os.environ.get("FEDN_CLIENT_COUNT", "1"))
    if not 0 <= index < count:
        raise ValueError(f"FEDN_CLIENT_INDEX {index} is not in 0..{count - 1}")
    pixels, labels = _read(path)
    share = np.array(dirichlet_split(labels, count, float(os.environ.get("FEDN_ALPHA", "0.5")), int(os.environ.get("FEDN_SEED", "1")))[index])
    held = max(1, len(share) // 5)
    train, validation = share[:-held], share[-held:]
    x = torch.from_numpy(pixels.astype(np.float32) / 255.0)
    y = torch.from_numpy(labels)
    return x[train], y[train], x[validation], y[validation]
