"""Tests of the reader/writer: python3 -m unittest test_fedn_safetensors (in this directory)."""
import json
import os
import struct
import tempfile
import unittest
from collections import OrderedDict

import torch

from fedn_safetensors import load_file, save_file
from model import Net


class SafetensorsTests(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.directory.name, "m.safetensors")

    def tearDown(self):
        self.directory.cleanup()

    def test_every_dtype_round_trips_with_names_shapes_and_values(self):
        tensors = OrderedDict([
            ("f32", torch.randn(3, 4)), ("f64", torch.randn(2, dtype=torch.float64)),
            ("f16", torch.randn(5).half()), ("bf16", torch.randn(5).bfloat16()),
            ("i64", torch.arange(6).reshape(2, 3)), ("i8", torch.tensor([-1, 2], dtype=torch.int8)),
            ("u8", torch.tensor([255], dtype=torch.uint8)), ("flag", torch.tensor([True, False])),
            ("scalar", torch.tensor(1.5)), ("empty", torch.zeros(0, 3)),
        ])
        save_file(tensors, self.path, metadata={"format": "pt"})
        loaded = load_file(self.path)
        self.assertEqual(list(tensors), list(loaded))
        for name, tensor in tensors.items():
            self.assertEqual(tensor.dtype, loaded[name].dtype, name)
            self.assertEqual(tensor.shape, loaded[name].shape, name)
            self.assertTrue(torch.equal(tensor, loaded[name]), name)

    def test_the_header_is_padded_to_eight_bytes_and_names_the_state_dict(self):
        save_file(Net().state_dict(), self.path)
        with open(self.path, "rb") as f:
            (length,) = struct.unpack("<Q", f.read(8))
            header = json.loads(f.read(length))
        self.assertEqual(0, length % 8)
        self.assertEqual(["conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight", "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"], sorted(header))
        self.assertEqual([8, 1, 3, 3], header["conv1.weight"]["shape"])
        self.assertEqual("F32", header["fc2.bias"]["dtype"])
        model = Net()
        model.load_state_dict(load_file(self.path))

    def test_a_malformed_file_is_refused_with_the_reason(self):
        with open(self.path, "wb") as f:
            f.write(struct.pack("<Q", 1 << 40))
        with self.assertRaisesRegex(ValueError, "does not fit"):
            load_file(self.path)
        header = json.dumps({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}).encode()
        with open(self.path, "wb") as f:
            f.write(struct.pack("<Q", len(header)) + header + b"\0" * 8)
        with self.assertRaisesRegex(ValueError, "do not match its shape"):
            load_file(self.path)


if __name__ == "__main__":
    unittest.main()
