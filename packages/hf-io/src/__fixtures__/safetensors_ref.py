"""An independent safetensors reader/writer for interop tests, written from the format spec
(https://github.com/huggingface/safetensors#format) with numpy and json only; torch (when
installed) converts float32 <-> bfloat16. Float16 conversion is numpy's, bfloat16's is torch's:
neither shares code with @tinylm/hf-io.

Usage:
  safetensors_ref.py probe             -> {"numpy": "...", "torch": "..." | null}
  safetensors_ref.py write OUT         writes OUT, prints what it wrote as JSON
  safetensors_ref.py read IN           parses IN strictly, prints its tensors as JSON

Values are printed exactly: floats as the bit patterns of their float32 value (so NaN, Inf and
-0 survive JSON), integers as decimal strings (so 64-bit values survive JSON).
"""

import json
import warnings
import struct
import sys

import numpy as np

try:
    import torch
except ImportError:  # bf16 needs torch; everything else works without it
    torch = None

warnings.filterwarnings("ignore")  # overflow warnings from the deliberate edge-value casts

NUMPY_DTYPES = {
    "BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "I16": np.int16, "U16": np.uint16,
    "F16": np.float16, "I32": np.int32, "U32": np.uint32, "F32": np.float32, "F64": np.float64,
    "I64": np.int64, "U64": np.uint64,
}
SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2, "I32": 4,
         "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}
MAX_HEADER = 100_000_000


def f32_bits(values):
    return [int(b) for b in np.asarray(values, dtype="<f4").reshape(-1).view("<u4")]


def bf16_bytes_from_f32(values):
    t = torch.tensor(np.asarray(values, dtype=np.float32)).to(torch.bfloat16)
    return t.view(torch.int16).numpy().astype("<i2").tobytes()


def bf16_bytes_to_f32(raw):
    return torch.frombuffer(bytearray(raw), dtype=torch.bfloat16).float().numpy()


def describe(dtype, shape, raw):
    """The tensor's values, exactly: float32 bits for floats, decimal strings for integers."""
    if dtype == "BF16":
        return {"f32bits": f32_bits(bf16_bytes_to_f32(raw)), "bits16": [int(x) for x in np.frombuffer(raw, "<u2")]}
    arr = np.frombuffer(raw, dtype=np.dtype(NUMPY_DTYPES[dtype]).newbyteorder("<"))
    if dtype == "F16":
        return {"f32bits": f32_bits(arr.astype(np.float32)), "bits16": [int(x) for x in arr.view("<u2")]}
    if dtype in ("F32", "F64"):
        return {"f32bits": f32_bits(arr.astype(np.float32))}
    return {"ints": [str(int(x)) for x in arr]}


def write(path):
    edge = [0.0, -0.0, 1.0, -2.5, 65504.0, 1e-8, 3.4e38, float("inf"), float("-inf"), float("nan"),
            1.0 + 2.0 ** -8, 1.0 + 3 * 2.0 ** -8, 2.0 ** -24, 3 * 2.0 ** -25]
    rng = np.random.default_rng(0)
    f32 = np.array(edge + list(rng.standard_normal(18)), dtype=np.float32).reshape(4, 8)
    tensors = {
        "model.embed_tokens.weight": ("F32", [4, 8], f32.astype("<f4").tobytes()),
        "f16": ("F16", [4, 8], f32.astype(np.float16).astype("<f2").tobytes()),
        "i64": ("I64", [5], np.array([0, -1, 2 ** 62 + 1, -(2 ** 63), 2 ** 63 - 1], dtype="<i8").tobytes()),
        "i32": ("I32", [2, 2], np.array([[1, -2], [2 ** 31 - 1, -(2 ** 31)]], dtype="<i4").tobytes()),
        "u8": ("U8", [3], np.array([0, 7, 255], dtype=np.uint8).tobytes()),
        "mask": ("BOOL", [3], np.array([True, False, True]).tobytes()),
        "f64": ("F64", [2], np.array([0.1, -1e300], dtype="<f8").tobytes()),
        "empty": ("F32", [0, 3], b""),
    }
    if torch is not None:
        tensors["bf16"] = ("BF16", [4, 8], bf16_bytes_from_f32(f32))
    header = {"__metadata__": {"format": "pt", "writer": "safetensors_ref.py"}}
    offset = 0
    blobs = []
    # Reverse-alphabetical order so the file order differs from any sorted order.
    for name in sorted(tensors, reverse=True):
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)
    out = {name: {"dtype": d, "shape": s, **describe(d, s, raw)} for name, (d, s, raw) in tensors.items()}
    print(json.dumps({"metadata": header["__metadata__"], "tensors": out}))


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        fail("file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER or 8 + n > len(data):
        fail(f"bad header size {n}")
    text = data[8:8 + n].decode("utf-8")
    if not text.startswith("{"):
        fail("header does not start with {")
    header = json.loads(text)
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not all(isinstance(v, str) for v in metadata.values()):
        fail("metadata values must be strings")
    buffer = data[8 + n:]
    end = 0
    out = {}
    for name, info in sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"])):
        begin, stop = info["data_offsets"]
        if begin != end:
            fail(f"tensor {name}: offsets not contiguous ({begin} != {end})")
        count = int(np.prod(info["shape"], dtype=np.int64)) if info["shape"] else 1
        if stop - begin != count * SIZES[info["dtype"]]:
            fail(f"tensor {name}: size does not match dtype and shape")
        end = stop
        out[name] = {"dtype": info["dtype"], "shape": info["shape"], "begin": begin,
                     **describe(info["dtype"], info["shape"], buffer[begin:stop])}
    if end != len(buffer):
        fail(f"tensors cover {end} bytes, buffer has {len(buffer)}")
    ref = {}
    if "src" in out:
        # Reference roundings of the float32 "src" tensor: numpy for F16, torch for BF16.
        src = np.array(out["src"]["f32bits"], dtype=np.uint32).view(np.float32)
        ref["f16bits"] = [int(x) for x in src.astype(np.float16).view(np.uint16)]
        if torch is not None:
            bf = torch.tensor(src).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
            ref["bf16bits"] = [int(x) for x in bf]
    print(json.dumps({"headerSize": n, "metadata": metadata, "tensors": out, "reference": ref}))


def main():
    command = sys.argv[1]
    if command == "probe":
        print(json.dumps({"numpy": np.__version__, "torch": torch.__version__ if torch else None}))
    elif command == "write":
        write(sys.argv[2])
    elif command == "read":
        read(sys.argv[2])
    else:
        fail(f"unknown command {command}")


if __name__ == "__main__":
    main()
