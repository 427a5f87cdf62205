"""Checks that a converted folder's F16 / BF16 weights are PyTorch's own rounding of the F32 source.

Usage: check_rounding.py SRC_SAFETENSORS OUT_DIR float16|bfloat16
Prints {"tensors": n, "elements": e, "mismatches": m}: m counts elements whose stored bits differ
from torch.Tensor.to(dtype) of the float32 source (round to nearest, ties to even).
"""
import json
import os
import struct
import sys

import numpy as np
import torch


def header(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(n)), 8 + n


def raw(path, info, base):
    b, e = info["data_offsets"]
    with open(path, "rb") as f:
        f.seek(base + b)
        return f.read(e - b)


src, out_dir, dtype = sys.argv[1], sys.argv[2], sys.argv[3]
target = {"float16": (torch.float16, "F16"), "bfloat16": (torch.bfloat16, "BF16")}[dtype]
src_header, src_base = header(src)
index = os.path.join(out_dir, "model.safetensors.index.json")
files = sorted(set(json.load(open(index))["weight_map"].values())) if os.path.exists(index) else ["model.safetensors"]
tensors = elements = mismatches = 0
for name in files:
    path = os.path.join(out_dir, name)
    h, base = header(path)
    for tname, info in h.items():
        if tname == "__metadata__":
            continue
        assert info["dtype"] == target[1], (tname, info["dtype"])
        source = np.frombuffer(raw(src, src_header[tname], src_base), dtype="<f4").copy()
        want = torch.from_numpy(source).to(target[0]).view(torch.int16).numpy().view("<u2")
        got = np.frombuffer(raw(path, info, base), dtype="<u2")
        tensors += 1
        elements += got.size
        mismatches += int((want != got).sum())
print(json.dumps({"tensors": tensors, "elements": elements, "mismatches": mismatches}))
