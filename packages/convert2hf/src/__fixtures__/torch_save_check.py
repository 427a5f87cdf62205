"""What PyTorch and CPython see in a file written by torch-save.ts (used by torch-save.test.ts).

Run with Debian's python3-torch (torch 1.13): /usr/bin/python3 torch_save_check.py MODE ARGS
  load PATH      torch.load(PATH, weights_only=True): prints JSON with the container's type and,
                 per tensor in order, its name, dtype, shape, stride, storage offset,
                 requires_grad, contiguity and raw little-endian bytes (hex)
  zip PATH       zipfile: prints JSON with each entry's name, size, where its data starts (read
                 from the local header) and its CRC-32 check (testzip), and the entry order
  save PATH      reads a JSON list [[name, dtype, shape, hex], ...] on stdin and torch.saves it
                 as an OrderedDict to PATH (the reference for the byte-for-byte comparison)
  opcodes        prints JSON {name: code} of CPython's pickle opcodes
"""
import collections
import json
import pickle
import struct
import sys
import zipfile

DTYPES = {'float32': 'float32', 'bfloat16': 'bfloat16', 'float16': 'float16'}


def raw_bytes(t):
    import torch
    flat = t.contiguous().reshape(-1)
    return bytes(flat.view(torch.uint8).tolist()) if flat.numel() else b''


def load(path):
    import torch
    obj = torch.load(path, weights_only=True)
    tensors = []
    for name, t in obj.items():
        tensors.append({
            'name': name,
            'dtype': str(t.dtype).replace('torch.', ''),
            'shape': list(t.shape),
            'stride': list(t.stride()),
            'offset': t.storage_offset(),
            'requires_grad': t.requires_grad,
            'contiguous': t.is_contiguous(),
            'hex': raw_bytes(t).hex(),
        })
    return {'type': f'{type(obj).__module__}.{type(obj).__qualname__}', 'tensors': tensors}


def zip_info(path):
    with zipfile.ZipFile(path) as z, open(path, 'rb') as f:
        entries = []
        for info in z.infolist():
            f.seek(info.header_offset)
            header = f.read(30)
            name_len, extra_len = struct.unpack('<HH', header[26:30])
            entries.append({
                'name': info.filename,
                'size': info.file_size,
                'compress_type': info.compress_type,
                'data_start': info.header_offset + 30 + name_len + extra_len,
                'crc_ok': z.read(info.filename) is not None,
            })
        return {'bad': z.testzip(), 'entries': entries}


def save(path):
    import torch
    spec = json.load(sys.stdin)
    sd = collections.OrderedDict()
    for name, dtype, shape, hexdata in spec:
        dt = getattr(torch, DTYPES[dtype])
        flat = torch.tensor(list(bytes.fromhex(hexdata)), dtype=torch.uint8).view(dt)
        sd[name] = flat.reshape(shape)
    torch.save(sd, path)
    return {'saved': path}


def opcodes():
    return {name: getattr(pickle, name)[0] for name in dir(pickle) if name.isupper() and isinstance(getattr(pickle, name), bytes) and len(getattr(pickle, name)) == 1}


if __name__ == '__main__':
    mode = sys.argv[1]
    result = {'load': lambda: load(sys.argv[2]), 'zip': lambda: zip_info(sys.argv[2]), 'save': lambda: save(sys.argv[2]), 'opcodes': opcodes}[mode]()
    print(json.dumps(result))
