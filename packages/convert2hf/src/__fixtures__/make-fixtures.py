"""Writes the real PyTorch / pickle fixtures the unit tests read (small files, committed).

Run with Debian's python3-torch (torch 1.13): /usr/bin/python3 make-fixtures.py
Every file here is written by torch.save or pickle.dump themselves, never by hand.
  state-dict.pt        an OrderedDict state dict: F32/F16/BF16/I64 tensors, a transposed
                       (non-contiguous) view, a row view into a shared storage, a scalar, an empty
                       tensor and an nn.Parameter
  state-dict-p4.pt     the same object saved with pickle_protocol=4 (FRAME, MEMOIZE, STACK_GLOBAL)
  legacy.pt            the same saved with _use_new_zipfile_serialization=False (pre-1.6 format)
  model-config.pt      an InternEvo-style model config: a dict subclass named
                       internlm.core.context.parallel_context.Config holding torch.bfloat16
  evil.pt              a pickle whose __reduce__ asks for os.system (must be refused, never run)
  evil-eval.pt         the same with builtins.eval
  cut-pickle.pt        state-dict.pt re-zipped by Python's zipfile with data.pkl cut short
                       (a valid archive holding a truncated pickle)
  data-p{0..5}.pkl     plain Python data pickled at every protocol, for the opcode tests
  deflated.pt          state-dict.pt re-zipped with deflate compression
  sp-bpe.model         a LLaMA-style SentencePiece BPE model (byte fallback, identity
                       normalization), trained by python3-sentencepiece on sp-corpus.txt
  expected.json        the values the tests compare against
"""
import collections
import json
import os
import pickle
import sys
import types

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


def path(name):
    return os.path.join(HERE, name)


base = torch.randn(3, 4)
sd = collections.OrderedDict()
sd["f32"] = base.clone()
sd["f16"] = torch.randn(2, 3).half()
sd["bf16"] = torch.randn(5).bfloat16()
sd["i64"] = torch.tensor([[1, -2], [3, 2**40]], dtype=torch.int64)
sd["transposed"] = base.t()  # shares base's storage, stride (1, 4)
sd["row"] = base[1]  # shares base's storage, offset 4
sd["scalar"] = torch.tensor(2.5)
sd["empty"] = torch.zeros(0, 3)
sd["param"] = torch.nn.Parameter(torch.randn(2, 2))
sd["base"] = base
torch.save(sd, path("state-dict.pt"))
torch.save(sd, path("state-dict-p4.pt"), pickle_protocol=4)
torch.save(sd, path("legacy.pt"), _use_new_zipfile_serialization=False)


def values(t):
    t = t.detach()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.float()
    return {"shape": list(t.shape), "dtype": str(t.dtype), "values": t.reshape(-1).tolist()}


expected = {"state_dict": {k: values(v) for k, v in sd.items()}}

# InternEvo's Config is a dict subclass living in internlm.core.context.parallel_context; a module
# of that name is registered here so that pickle records the same global as a real run does.
for name in ["internlm", "internlm.core", "internlm.core.context", "internlm.core.context.parallel_context"]:
    sys.modules.setdefault(name, types.ModuleType(name))


class Config(dict):
    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key)

    def __setattr__(self, key, value):
        self[key] = value


Config.__module__ = "internlm.core.context.parallel_context"
sys.modules["internlm.core.context.parallel_context"].Config = Config
cfg = Config()
cfg.num_layers = 3
cfg.hidden_size = 64
cfg.num_attention_heads = 4
cfg.dtype = torch.bfloat16
cfg.mlp_ratio = 8 / 3
cfg.layer_norm_epsilon = 1e-5
cfg.embed_split_hidden = True
cfg.nested = Config()
cfg.nested.size = 2
torch.save(cfg, path("model-config.pt"))
expected["model_config"] = {
    "num_layers": 3,
    "hidden_size": 64,
    "num_attention_heads": 4,
    "dtype": "torch.bfloat16",
    "mlp_ratio": 8 / 3,
    "layer_norm_epsilon": 1e-5,
    "embed_split_hidden": True,
    "nested": {"size": 2},
}


class Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


torch.save({"weight": torch.zeros(2), "payload": Evil(os.system, "echo pwned > /tmp/tinylm-pwned")}, path("evil.pt"))
torch.save({"payload": Evil(eval, "print('pwned')")}, path("evil-eval.pt"))

import zipfile

with zipfile.ZipFile(path("state-dict.pt")) as src, zipfile.ZipFile(path("cut-pickle.pt"), "w") as dst:
    for info in src.infolist():
        data = src.read(info.filename)
        if info.filename.endswith("data.pkl"):
            data = data[: len(data) - 40]
        dst.writestr(info.filename.replace("state-dict/", "cut-pickle/"), data)

with zipfile.ZipFile(path("state-dict.pt")) as src, zipfile.ZipFile(path("deflated.pt"), "w", zipfile.ZIP_DEFLATED) as dst:
    for info in src.infolist():
        dst.writestr(info.filename.replace("state-dict/", "deflated/"), src.read(info.filename))

import sentencepiece as spm

corpus = path("sp-corpus.txt")
with open(corpus, "w") as f:
    for i in range(60):
        f.write(f"Line {i}: tiny models convert to Hugging Face folders and GGUF files; caf\u00e9 {i * 37}.\n")
spm.SentencePieceTrainer.train(
    input=corpus, model_prefix=path("sp-bpe"), vocab_size=320, model_type="bpe", byte_fallback=True,
    normalization_rule_name="identity", remove_extra_whitespaces=False, split_digits=True,
    num_threads=1, minloglevel=2,
)
os.remove(path("sp-bpe.vocab"))
sp = spm.SentencePieceProcessor()
sp.Load(path("sp-bpe.model"))
expected["sentencepiece"] = {
    "size": sp.GetPieceSize(),
    "pieces": [sp.IdToPiece(i) for i in range(sp.GetPieceSize())],
    "scores": [sp.GetScore(i) for i in range(sp.GetPieceSize())],
    "types": [1 + (sp.IsUnknown(i) and 1) + (sp.IsControl(i) and 2) + (sp.IsByte(i) and 5) for i in range(sp.GetPieceSize())],
    "bos": sp.bos_id(), "eos": sp.eos_id(), "unk": sp.unk_id(), "pad": sp.pad_id(),
}

shared = [1, 2]
data = {
    "ints": [0, 1, -1, 255, 256, 65535, 65536, -(2**31), 2**31 - 1, 2**31, 2**63, -(2**70)],
    "floats": [0.0, -1.5, 3.141592653589793, 1e-300],
    "text": ["", "ascii", "ünïcödé ☃ 𝄞", "quote ' and \\ backslash\nnewline"],
    "bytes": b"\x00\x01\xfe\xff",
    "tuple": (1, (2, 3), ()),
    "bools": [True, False, None],
    "shared": [shared, shared],
    "set": {1, 2, 3},
    "frozenset": frozenset(["a"]),
    "nested": {"a": {"b": {"c": [1, [2, [3]]]}}},
}
for proto in range(6):
    with open(path(f"data-p{proto}.pkl"), "wb") as f:
        pickle.dump(data, f, protocol=proto)


def plain(v):
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (set, frozenset)):
        return sorted(plain(x) for x in v)
    if isinstance(v, bytes):
        return list(v)
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53:
        return str(v)
    return v


expected["data"] = plain(data)
with open(path("expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote fixtures to", HERE)
