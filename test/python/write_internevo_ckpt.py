"""Writes an InternEvo-layout checkpoint with torch.save, and the logits of a PyTorch forward that
follows InternEvo's own modelling code over the original (unsharded) tensors.

Usage: write_internevo_ckpt.py OUT_DIR SPEC_JSON IDS_JSON  ->  prints {"logits": [[...], ...]}

The modules below mirror the parameter names InternEvo registers (so model.state_dict() yields its
keys), not its training code:
- LLAMA2 (internlm/model/modeling_llama.py, PackedFlashLlama1D / PackedFlashLlamaLayer1D / MHA):
  tok_embeddings, layers.{i}.attention.{wq,wk,wv,wo} (+ rotary_emb.inv_freq buffer),
  attention_norm, ffn_norm, feed_forward.{w1,w2,w3}, norm, output. With adapt_hf=False the
  attention de-interleaves q and k (torch.cat([q[..., ::2], q[..., 1::2]], -1)) before a
  half-split rotary embedding.
- INTERNLM (internlm/model/modeling_internlm.py, PackedFlashBaseLayer1D / MHA):
  embedding, blocks.{i}.mixer.{Wqkv,out_proj} (+ rotary_emb.inv_freq), norm1, norm2,
  mlp.{w1,w2,w3}, norm, head; qkv = rearrange(Wqkv(x), "(three h d) -> three h d").
- INTERNLM2 (internlm/model/modeling_internlm2.py, MODEL_TYPE "INTERNLM2_PUBLIC", MHA): LLAMA2's
  names but one fused layers.{i}.attention.wqkv whose output is
  rearrange(qkv, "(h gs d) -> h gs d", gs=q_per_kv + 2): per key/value head its q_per_kv q heads,
  then its k head, then its v head; q = qkv[..., :q_per_kv, :], k = qkv[..., -2, :],
  v = qkv[..., -1, :]. rot_embed_HF_impl=adapt_hf (default True); when False q/k are
  de-interleaved as in LLAMA2. Column-parallel split of wqkv keeps whole groups per rank.
- FeedForward (internlm/model/modules/mlp.py): old generation out = w3(silu(w1 x) * w2 x),
  new generation out = w2(silu(w1 x) * w3 x).
Sharding follows InternEvo: pipeline stages from partition_uniform
(internlm/solver/pipeline_utils.py), each numbering its layers from 0, embedding in the first and
norm/head in the last; tensor parallel column-parallel linears split along dim 0 (per rank its
own heads; a packed Wqkv holds [q_r; k_r; v_r]), row-parallel along dim 1 with the bias on rank 0
only (flash-attn RowParallelLinear), Embedding1D along the hidden dimension, the head along the
vocabulary, norms and rotary buffers replicated. Files: model_tp{t}_pp{p}.pt
(internlm/utils/model_checkpoint.py save_model_checkpoint) and model_config.pt (a torch.save of
the model config, InternEvo's Config dict subclass from internlm.core.context.parallel_context).

Spec keys: layout ("LLAMA2"|"INTERNLM"), tp, pp, vocab, hidden, layers, heads, kv_heads,
mlp_ratio, eps, rope_base, seed, std, dtype ("bfloat16"|"float32"), bias (true|"zero"|false),
adapt_hf (LLAMA2, INTERNLM2), mlp ("old"|"new"), model_config (bool), config_overrides (dict merged into
model_config.pt), config_drop (keys left out of model_config.pt), config_file (bool: write
config_file.pt, the training config's text as one str, with model_type), extra (dict of extra non-tensor entries to put in stage 0's state dict: "evil"
adds an object whose __reduce__ asks for os.system).
"""
import json
import math
import os
import sys
import types

import torch
from torch import nn

out_dir, spec, ids = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
torch.manual_seed(spec.get("seed", 0))
layout = spec["layout"]
tp, pp = spec["tp"], spec["pp"]
V, H, L = spec["vocab"], spec["hidden"], spec["layers"]
NH = spec["heads"]
NKV = spec.get("kv_heads", NH)
HD = H // NH
KV = NKV * HD
MULT = 256


def ffn_size(hidden, ratio):
    f = int(hidden * ratio)
    return MULT * ((f + MULT - 1) // MULT)


F = ffn_size(H, spec["mlp_ratio"])
EPS = spec.get("eps", 1e-5)
BASE = spec.get("rope_base", 10000)
STD = spec.get("std", 0.2)
BIAS = spec.get("bias", False)
OLD_MLP = spec.get("mlp", "old") == "old"
ADAPT_HF = spec.get("adapt_hf", False)
DTYPE = getattr(torch, spec.get("dtype", "bfloat16"))


def rnd(*shape):
    return torch.randn(*shape) * STD


# ---- global (unsharded) tensors, InternEvo layout ----
g = {}
LLAMA_NAMES = layout in ("LLAMA2", "INTERNLM2")  # tok_embeddings / layers / attention / feed_forward / output
emb_key = "tok_embeddings.weight" if LLAMA_NAMES else "embedding.weight"
head_key = "output.weight" if LLAMA_NAMES else "head.weight"
pre = "layers" if LLAMA_NAMES else "blocks"
QPK = NH // NKV


def group_qkv(q, k, v):
    """InternLM2's (h gs d) rows: per kv head, its q heads, its k head, its v head."""
    rows = []
    for h in range(NKV):
        rows += [q[h * QPK * HD : (h + 1) * QPK * HD], k[h * HD : (h + 1) * HD], v[h * HD : (h + 1) * HD]]
    return torch.cat(rows, 0)

g[emb_key] = rnd(V, H)
inv_freq = 1.0 / (BASE ** (torch.arange(0, HD, 2).float() / HD))
for i in range(L):
    p = f"{pre}.{i}."
    q, k, v, o = rnd(H, H), rnd(KV, H), rnd(KV, H), rnd(H, H)
    if BIAS:
        bq, bk, bv, bo = (torch.zeros(n) if BIAS == "zero" else rnd(n) for n in (H, KV, KV, H))
    if LLAMA_NAMES:
        if layout == "LLAMA2":
            g[p + "attention.wq.weight"], g[p + "attention.wk.weight"], g[p + "attention.wv.weight"] = q, k, v
        else:
            g[p + "attention.wqkv.weight"] = group_qkv(q, k, v)
        g[p + "attention.wo.weight"] = o
        if BIAS:
            if layout == "LLAMA2":
                g[p + "attention.wq.bias"], g[p + "attention.wk.bias"], g[p + "attention.wv.bias"] = bq, bk, bv
            else:
                g[p + "attention.wqkv.bias"] = group_qkv(bq, bk, bv)
            g[p + "attention.wo.bias"] = bo
        g[p + "attention.rotary_emb.inv_freq"] = inv_freq.clone()
        g[p + "attention_norm.weight"] = 1 + rnd(H)
        g[p + "ffn_norm.weight"] = 1 + rnd(H)
        mlp = p + "feed_forward."
    else:
        assert NKV == NH, "InternLM's packed Wqkv is multi-head attention"
        g[p + "mixer.Wqkv.weight"] = torch.cat([q, k, v], 0)
        if BIAS:
            g[p + "mixer.Wqkv.bias"] = torch.cat([bq, bk, bv], 0)
            g[p + "mixer.out_proj.bias"] = bo
        g[p + "mixer.out_proj.weight"] = o
        g[p + "mixer.rotary_emb.inv_freq"] = inv_freq.clone()
        g[p + "norm1.weight"] = 1 + rnd(H)
        g[p + "norm2.weight"] = 1 + rnd(H)
        mlp = p + "mlp."
    g[mlp + "w1.weight"] = rnd(F, H)
    up, down = rnd(F, H), rnd(H, F)
    if OLD_MLP:
        g[mlp + "w2.weight"], g[mlp + "w3.weight"] = up, down
    else:
        g[mlp + "w3.weight"], g[mlp + "w2.weight"] = up, down
g["norm.weight"] = 1 + rnd(H)
g[head_key] = rnd(V, H)
# the checkpoint holds DTYPE values; the reference forward runs in float32 over exactly those
g = {name: t.to(DTYPE) for name, t in g.items()}


# ---- the reference forward over the original tensors, InternEvo semantics, float32 ----
def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * w


def rope(x):  # x: (T, heads, HD), half-split (flash-attn rotary, interleaved=False)
    T = x.shape[0]
    freqs = torch.outer(torch.arange(T).float(), inv_freq)
    cos, sin = freqs.cos()[:, None, :], freqs.sin()[:, None, :]
    x1, x2 = x[..., : HD // 2], x[..., HD // 2 :]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)


def forward(token_ids):
    w = {n: t.float() for n, t in g.items()}
    T = len(token_ids)
    x = w[emb_key][torch.tensor(token_ids)]
    mask = torch.full((T, T), float("-inf")).triu(1)
    for i in range(L):
        p = f"{pre}.{i}."
        if LLAMA_NAMES:
            h = rms(x, w[p + "attention_norm.weight"])
            lin = lambda n, t: t @ w[p + f"attention.{n}.weight"].T + (w[p + f"attention.{n}.bias"] if BIAS else 0)
            if layout == "LLAMA2":
                q, k, v = lin("wq", h).view(T, NH, HD), lin("wk", h).view(T, NKV, HD), lin("wv", h).view(T, NKV, HD)
            else:  # modeling_internlm2.py MHA._forward
                qkv = lin("wqkv", h).view(T, NKV, QPK + 2, HD)
                q, k, v = qkv[..., :QPK, :].reshape(T, NH, HD), qkv[..., -2, :], qkv[..., -1, :]
            if not ADAPT_HF:
                q = torch.cat([q[..., ::2], q[..., 1::2]], -1)
                k = torch.cat([k[..., ::2], k[..., 1::2]], -1)
        else:
            h = rms(x, w[p + "norm1.weight"])
            qkv = h @ w[p + "mixer.Wqkv.weight"].T + (w[p + "mixer.Wqkv.bias"] if BIAS else 0)
            qkv = qkv.view(T, 3, NH, HD)
            q, k, v = qkv[:, 0], qkv[:, 1], qkv[:, 2]
        q, k = rope(q), rope(k)
        rep = NH // NKV
        k, v = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
        att = torch.einsum("thd,shd->hts", q, k) / math.sqrt(HD) + mask
        ctx = torch.einsum("hts,shd->thd", att.softmax(-1), v).reshape(T, H)
        if LLAMA_NAMES:
            x = x + ctx @ w[p + "attention.wo.weight"].T + (w[p + "attention.wo.bias"] if BIAS else 0)
            h = rms(x, w[p + "ffn_norm.weight"])
            m = p + "feed_forward."
        else:
            x = x + ctx @ w[p + "mixer.out_proj.weight"].T + (w[p + "mixer.out_proj.bias"] if BIAS else 0)
            h = rms(x, w[p + "norm2.weight"])
            m = p + "mlp."
        gate = torch.nn.functional.silu(h @ w[m + "w1.weight"].T)
        if OLD_MLP:
            x = x + (gate * (h @ w[m + "w2.weight"].T)) @ w[m + "w3.weight"].T
        else:
            x = x + (gate * (h @ w[m + "w3.weight"].T)) @ w[m + "w2.weight"].T
    x = rms(x, w["norm.weight"])
    return x @ w[head_key].T


# ---- modules with InternEvo's parameter names, one per (tp rank, pp stage) ----
class RMSNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(H))


class Rotary(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("inv_freq", torch.empty(HD // 2))


def linear(i, o, bias):
    return nn.Linear(i, o, bias=bias)


class Attention(nn.Module):  # LLAMA2 MHA
    def __init__(self, rank):
        super().__init__()
        has_bias = bool(BIAS)
        self.rotary_emb = Rotary()
        self.wq = linear(H, H // tp, has_bias)
        self.wk = linear(H, KV // tp, has_bias)
        self.wv = linear(H, KV // tp, has_bias)
        self.wo = linear(H // tp, H, has_bias and rank == 0)


class FusedAttention(nn.Module):  # InternLM2 MHA: wqkv holds NKV/tp whole groups per rank
    def __init__(self, rank):
        super().__init__()
        has_bias = bool(BIAS)
        self.rotary_emb = Rotary()
        self.wqkv = linear(H, (H + 2 * KV) // tp, has_bias)
        self.wo = linear(H // tp, H, has_bias and rank == 0)


class Mixer(nn.Module):  # InternLM MHA
    def __init__(self, rank):
        super().__init__()
        has_bias = bool(BIAS)
        self.rotary_emb = Rotary()
        self.Wqkv = linear(H, 3 * H // tp, has_bias)
        self.out_proj = linear(H // tp, H, has_bias and rank == 0)


class FeedForward(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = linear(H, F // tp, False)
        if OLD_MLP:
            self.w2, self.w3 = linear(H, F // tp, False), linear(F // tp, H, False)
        else:
            self.w3, self.w2 = linear(H, F // tp, False), linear(F // tp, H, False)


class Layer(nn.Module):
    def __init__(self, rank):
        super().__init__()
        if LLAMA_NAMES:
            self.attention = Attention(rank) if layout == "LLAMA2" else FusedAttention(rank)
            self.attention_norm, self.ffn_norm = RMSNorm(), RMSNorm()
            self.feed_forward = FeedForward()
        else:
            self.mixer = Mixer(rank)
            self.norm1, self.norm2 = RMSNorm(), RMSNorm()
            self.mlp = FeedForward()


class Embedding1D(nn.Module):  # split along the hidden dimension
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(V, H // tp))


class Stage(nn.Module):
    def __init__(self, rank, n_layers, first, last):
        super().__init__()
        if first:
            if LLAMA_NAMES:
                self.tok_embeddings = Embedding1D()
            else:
                self.embedding = Embedding1D()
        if LLAMA_NAMES:
            self.layers = nn.ModuleList([Layer(rank) for _ in range(n_layers)])
        else:
            self.blocks = nn.ModuleList([Layer(rank) for _ in range(n_layers)])
        if last:
            self.norm = RMSNorm()
            if LLAMA_NAMES:
                self.output = linear(H, V // tp, False)
            else:
                self.head = linear(H, V // tp, False)


def partition_uniform(num_items, pipeline_parallel_size):  # internlm/solver/pipeline_utils.py, num_chunks=1
    parts = []
    chunk_size = num_items // pipeline_parallel_size
    left = pipeline_parallel_size - num_items % pipeline_parallel_size
    base = 0
    for p in range(pipeline_parallel_size):
        start = base
        base += chunk_size + (p >= left)
        parts.append((start, base))
    return parts


def rank_slice(name, t, rank):
    """The part of global tensor `name` that tensor-parallel rank `rank` holds."""
    if tp == 1:
        return t
    if name.endswith("inv_freq") or "norm" in name:
        return t
    if name in (emb_key,):
        return t.chunk(tp, 1)[rank]  # Embedding1D: hidden split
    if name == head_key:
        return t.chunk(tp, 0)[rank]
    if "attention.wqkv" in name:  # InternLM2: whole (q heads, k, v) groups per rank
        return t.chunk(tp, 0)[rank]
    if "Wqkv" in name:  # per rank [q_r; k_r; v_r]
        q, k, v = t.split([H, KV, KV], 0)
        return torch.cat([q.chunk(tp, 0)[rank], k.chunk(tp, 0)[rank], v.chunk(tp, 0)[rank]], 0)
    row = name.endswith("wo.weight") or name.endswith("out_proj.weight") or (
        (name.endswith("w3.weight") and OLD_MLP) or (name.endswith("w2.weight") and not OLD_MLP)
    )
    if name.endswith("wo.bias") or name.endswith("out_proj.bias"):
        return t  # rank 0 only; the module of other ranks has no such parameter
    return t.chunk(tp, 1 if row else 0)[rank]


os.makedirs(out_dir, exist_ok=True)
parts = partition_uniform(L, pp)
for stage, (start, end) in enumerate(parts):
    for rank in range(tp):
        m = Stage(rank, end - start, stage == 0, stage == pp - 1).to(DTYPE)
        local = {}
        for name in m.state_dict().keys():
            gname = name
            if name.startswith(pre + "."):
                _, idx, rest = name.split(".", 2)
                gname = f"{pre}.{int(idx) + start}.{rest}"
            local[name] = rank_slice(gname, g[gname], rank).clone()
        m.load_state_dict(local)
        sd = m.state_dict()
        if stage == 0 and rank == 0 and "evil" in spec.get("extra", {}):
            class Evil:
                def __reduce__(self):
                    return (os.system, ("echo pwned > /tmp/tinylm-internevo-pwned",))

            sd["evil"] = Evil()
        torch.save(sd, os.path.join(out_dir, f"model_tp{rank}_pp{stage}.pt"))

if spec.get("model_config", True):
    for name in ["internlm", "internlm.core", "internlm.core.context", "internlm.core.context.parallel_context"]:
        sys.modules.setdefault(name, types.ModuleType(name))

    class Config(dict):  # InternEvo's Config: a dict whose attributes are its items
        def __getattr__(self, key):
            try:
                return self[key]
            except KeyError:
                raise AttributeError(key)

        def __setattr__(self, key, value):
            self[key] = value

    Config.__module__ = "internlm.core.context.parallel_context"
    sys.modules["internlm.core.context.parallel_context"].Config = Config
    values = dict(
        checkpoint=False,
        num_attention_heads=NH,
        embed_split_hidden=True,
        vocab_size=V,
        embed_grad_scale=1,
        parallel_output=True,
        hidden_size=H,
        num_layers=L,
        mlp_ratio=spec["mlp_ratio"],
        apply_post_layer_norm=False,
        dtype=DTYPE,
        norm_type="rmsnorm",
        layer_norm_epsilon=EPS,
        use_flash_attn=True,
        num_chunks=1,
    )
    if LLAMA_NAMES:
        values.update(num_kv_attention_heads=NKV, adapt_hf=ADAPT_HF, no_bias=not BIAS)
    if BASE != 10000:
        values["rope_base"] = BASE
    values.update(spec.get("config_overrides", {}))
    for key in spec.get("config_drop", []):
        values.pop(key, None)
    cfg = Config()
    for key, value in values.items():
        setattr(cfg, key, value)
    torch.save(cfg, os.path.join(out_dir, "model_config.pt"))

if spec.get("config_file", False):
    # the training config's text, as train.py hands it to CheckpointManager(model_config_file=...)
    names = {"LLAMA2": "LLAMA2", "INTERNLM": "INTERNLM", "INTERNLM2": "INTERNLM2_PUBLIC"}
    model_keys = dict(num_layers=L, hidden_size=H, num_attention_heads=NH, num_kv_attention_heads=NKV, vocab_size=V)
    if "adapt_hf" not in spec.get("config_drop", []):
        model_keys["adapt_hf"] = ADAPT_HF
    body = ",\n    ".join(f"{k}={v!r}" for k, v in model_keys.items())
    text = f'# a training config\nJOB_NAME = "test"\nSEQ_LEN = 4096\nmodel_type = "{names[layout]}"\nmodel = dict(\n    {body},\n)\n'
    torch.save(text, os.path.join(out_dir, "config_file.pt"))

with torch.no_grad():
    logits = forward(ids)
print(json.dumps({"logits": logits.tolist(), "ffn": F}))
