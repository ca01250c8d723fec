#!/usr/bin/env python3
"""A FedN trainer as an external process, in plain Python (no packages needed).

FedN runs it as
    python3 trainer.py train <in.safetensors> <out.safetensors>     -> writes out.safetensors and out.json
    python3 trainer.py validate <model.safetensors> <metrics.json>
with the JSON {"numExamples": N, "metrics": {...}}. Replace the two marked functions with your own
code (PyTorch users: safetensors.torch.load_file / save_file do the file part for you).

The stand-in model here fits every float32 parameter towards the mean of this client's data, read
from the file named by FEDN_DATA (one number per line; 0.0 when unset), by gradient descent on the
squared error.
"""
import json
import os
import struct
import sys
from array import array

LEARNING_RATE = 0.5
EPOCHS = 3


def read_safetensors(path):
    """Returns (metadata, {name: (dtype, shape, array('f') or bytes)}) in file order."""
    with open(path, "rb") as f:
        (header_length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_length))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in sorted(header.items(), key=lambda item: item[1]["data_offsets"][0]):
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        if info["dtype"] == "F32":
            values = array("f")
            values.frombytes(raw)
            if sys.byteorder != "little":
                values.byteswap()
            raw = values
        tensors[name] = (info["dtype"], info["shape"], raw)
    return metadata, tensors


def write_safetensors(path, tensors, metadata=None):
    header, chunks, offset = {}, [], 0
    for name, (dtype, shape, values) in tensors.items():
        raw = values.tobytes() if isinstance(values, array) else bytes(values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)  # the format pads the header to 8 bytes
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for chunk in chunks:
            f.write(chunk)
    os.replace(tmp, path)


def local_data():
    path = os.environ.get("FEDN_DATA")
    if not path:
        return [0.0]
    with open(path) as f:
        return [float(line) for line in f if line.strip()]


def train(tensors, data):  # <- your training code
    target = sum(data) / len(data)
    loss = 0.0
    for _, (dtype, _, values) in tensors.items():
        if dtype != "F32":
            continue
        for _ in range(EPOCHS):
            for i, w in enumerate(values):
                values[i] = w - LEARNING_RATE * (w - target)
        loss += sum((w - target) ** 2 for w in values) / max(len(values), 1)
    return {"loss": loss}


def validate(tensors, data):  # <- your evaluation code
    target = sum(data) / len(data)
    errors = [abs(w - target) for dtype, _, values in tensors.values() if dtype == "F32" for w in values]
    return {"meanAbsoluteError": sum(errors) / max(len(errors), 1)}


def main(argv):
    if len(argv) != 4 or argv[1] not in ("train", "validate"):
        print("usage: trainer.py train IN OUT | trainer.py validate MODEL METRICS", file=sys.stderr)
        return 2
    data = local_data()
    metadata, tensors = read_safetensors(argv[2])
    if argv[1] == "train":
        metrics = train(tensors, data)
        write_safetensors(argv[3], tensors, metadata)
        result_path = os.path.splitext(argv[3])[0] + ".json"
    else:
        metrics = validate(tensors, data)
        result_path = argv[3]
    with open(result_path, "w") as f:
        json.dump({"numExamples": len(data), "metrics": metrics}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
