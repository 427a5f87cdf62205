"""An independent PyTorch forward of an InternEvo LLAMA2 checkpoint, read from its shards.

Usage: internevo_forward.py CKPT_DIR SPEC_JSON IDS_JSON
  ->  prints {"logits": [[...], ...], "keys": N, "layers": L, "tp": TP, "pp": PP, "model_config": {...} | null}

Reads every model_tp{t}_pp{p}.pt with torch.load(weights_only=True) (so a shard that needs any
pickle global beyond tensors fails here, as it would for a careful InternEvo user), merges them
the way InternEvo's own tools do (tools/convert_ckpt_parallel.py / transformers/convert2hf*.py:
a leading "model." dropped, each stage's layers shifted by the layers of the stages before it,
column-parallel tensors concatenated along dim 0, row-parallel along dim 1, Embedding1D along the
hidden dim 1, norms taken from rank 0, a row-parallel bias from rank 0), and runs the model as
internlm/model/modeling_llama.py defines it (PackedFlashLlama1D), in float32:
  x = tok_embeddings[ids]
  per layer: h = RMSNorm(x) * attention_norm; q, k, v = wq h, wk h, wv h (heads of HD);
             if the rows are interleaved (adapt_hf=False / qk_interleaved=True) MHA de-interleaves
             q and k (torch.cat([q[..., ::2], q[..., 1::2]], -1)) before the half-split rotary of
             flash-attn (interleaved=False); causal softmax attention with kv heads repeated;
             x += wo ctx; h = RMSNorm(x) * ffn_norm; x += down(silu(w1 h) * up h) with
             (up, down) = (w2, w3) for v0.3.2's FeedForward, (w3, w2) from v0.3.3 on;
  logits = output(RMSNorm(x) * norm).
model_config.pt, when present, is torch.load'ed (weights_only=True) too and echoed back as plain data.
Spec keys: heads, kv_heads, rotary ("interleaved"|"half"), w2 ("up"|"down"), eps, rope_base.
Nothing here is shared with the TypeScript code under test.
"""
import json
import math
import os
import pickle
import re
import sys

import torch

ckpt, spec, ids = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
NH, NKV = spec["heads"], spec["kv_heads"]
EPS, BASE = spec.get("eps", 1e-5), spec.get("rope_base", 10000)
INTERLEAVED = spec["rotary"] == "interleaved"
UP, DOWN = ("w2", "w3") if spec["w2"] == "up" else ("w3", "w2")

names = os.listdir(ckpt)
grid = [re.fullmatch(r"model_tp(\d+)_pp(\d+)\.pt", n) for n in names]
grid = [(int(m[1]), int(m[2])) for m in grid if m]
TP, PP = max(t for t, _ in grid) + 1, max(p for _, p in grid) + 1
assert len(grid) == TP * PP, f"incomplete grid {sorted(grid)}"

# ranks[t][global name] = tensor
ranks = [{} for _ in range(TP)]
n_keys = 0
for t in range(TP):
    shift = 0
    for p in range(PP):
        sd = torch.load(os.path.join(ckpt, f"model_tp{t}_pp{p}.pt"), map_location="cpu", weights_only=True)
        n_keys += len(sd)
        local_layers = 0
        for key, tensor in sd.items():
            assert isinstance(tensor, torch.Tensor), key
            key = key[6:] if key.startswith("model.") else key
            m = re.match(r"layers\.(\d+)\.(.*)", key)
            if m:
                local_layers = max(local_layers, int(m[1]) + 1)
                key = f"layers.{int(m[1]) + shift}.{m[2]}"
            assert key not in ranks[t], f"{key} twice"
            ranks[t][key] = tensor.float()
        shift += local_layers
L = shift

COLUMN = ("attention.wq.", "attention.wk.", "attention.wv.", "feed_forward.w1.", f"feed_forward.{UP}.", "output.")
ROW = ("attention.wo.weight", f"feed_forward.{DOWN}.weight")


def full(name):
    parts = [r[name] for r in ranks if name in r]
    if name == "tok_embeddings.weight" or name.endswith(ROW):
        return torch.cat(parts, 1)
    if any(c in name for c in COLUMN):
        return torch.cat(parts, 0)
    return parts[0]  # norms, and the row-parallel bias held by rank 0


W = {name: full(name) for name in ranks[0]}
H = W["norm.weight"].shape[0]
HD = H // NH
inv_freq = 1.0 / (BASE ** (torch.arange(0, HD, 2).float() / HD))


def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * w


def rope(x):  # (T, heads, HD), half-split
    T = x.shape[0]
    freqs = torch.outer(torch.arange(T).float(), inv_freq)
    cos, sin = freqs.cos()[:, None, :], freqs.sin()[:, None, :]
    x1, x2 = x[..., : HD // 2], x[..., HD // 2 :]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)


def lin(name, x):
    y = x @ W[name + ".weight"].T
    return y + W[name + ".bias"] if name + ".bias" in W else y


with torch.no_grad():
    T = len(ids)
    x = W["tok_embeddings.weight"][torch.tensor(ids)]
    mask = torch.full((T, T), float("-inf")).triu(1)
    for i in range(L):
        p = f"layers.{i}."
        h = rms(x, W[p + "attention_norm.weight"])
        q = lin(p + "attention.wq", h).view(T, NH, HD)
        k = lin(p + "attention.wk", h).view(T, NKV, HD)
        v = lin(p + "attention.wv", h).view(T, NKV, HD)
        if INTERLEAVED:
            q = torch.cat([q[..., ::2], q[..., 1::2]], -1)
            k = torch.cat([k[..., ::2], k[..., 1::2]], -1)
        q, k = rope(q), rope(k)
        k, v = k.repeat_interleave(NH // NKV, 1), v.repeat_interleave(NH // NKV, 1)
        att = torch.einsum("thd,shd->hts", q, k) / math.sqrt(HD) + mask
        ctx = torch.einsum("hts,shd->thd", att.softmax(-1), v).reshape(T, H)
        x = x + lin(p + "attention.wo", ctx)
        h = rms(x, W[p + "ffn_norm.weight"])
        f = p + "feed_forward."
        x = x + (torch.nn.functional.silu(h @ W[f + "w1.weight"].T) * (h @ W[f + UP + ".weight"].T)) @ W[f + DOWN + ".weight"].T
    logits = rms(x, W["norm.weight"]) @ W["output.weight"].T
config_path = os.path.join(ckpt, "model_config.pt")
config, config_weights_only = None, None
if os.path.exists(config_path):
    try:
        config, config_weights_only = torch.load(config_path, weights_only=True), True
    except pickle.UnpicklingError:
        # torch 1.13's weights-only unpickler has no BINFLOAT (the float opcode every config with
        # mlp_ratio needs; torch 2.x has it); InternEvo's own tools load this file with plain torch.load
        config, config_weights_only = torch.load(config_path), False
print(
    json.dumps(
        {"logits": logits.tolist(), "keys": n_keys, "layers": L, "tp": TP, "pp": PP, "model_config": config, "model_config_weights_only": config_weights_only}
    )
)
