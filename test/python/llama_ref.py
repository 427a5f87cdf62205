"""An independent PyTorch forward of Hugging Face's LlamaForCausalLM over a model folder.

Written from transformers' modeling_llama.py semantics (LlamaRMSNorm, rotate_half /
apply_rotary_pos_emb with inv_freq = 1 / theta^(arange(0, d, 2) / d), repeat_kv for grouped-query
attention, causal softmax attention, SwiGLU MLP, untied or tied lm_head, and q/k/v/o biases when
config.attention_bias is set, as LlamaAttention builds them), without importing
transformers or any tinylm code. Reads config.json and safetensors (single file or sharded) with
json + numpy following the safetensors spec (F32, F16, BF16).

Usage: llama_ref.py MODEL_DIR IDS_JSON  ->  prints {"logits": [[...], ...]} for batch row 0.
"""
import json
import os
import struct
import sys

import numpy as np
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            b, e = info["data_offsets"]
            f.seek(base + b)
            raw = f.read(e - b)
            dt = info["dtype"]
            if dt == "F32":
                arr = np.frombuffer(raw, dtype="<f4")
            elif dt == "F16":
                arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
            elif dt == "BF16":
                arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
            else:
                raise SystemExit(f"unsupported dtype {dt} for {name}")
            out[name] = torch.from_numpy(arr.copy()).reshape(info["shape"])
        return out


def load_weights(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        files = sorted(set(json.load(open(index))["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    w = {}
    for f in files:
        w.update(read_safetensors(os.path.join(folder, f)))
    return w


def rms_norm(x, weight, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(var + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(cfg, w, ids):
    d_model = cfg["hidden_size"]
    nh = cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads", nh)
    hd = d_model // nh
    eps = cfg["rms_norm_eps"]
    theta = cfg.get("rope_theta", 10000.0)
    B, T = ids.shape
    x = w["model.embed_tokens.weight"][ids]  # (B, T, C)
    inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    freqs = torch.outer(torch.arange(T).float(), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()  # (T, hd)
    mask = torch.full((T, T), float("-inf")).triu(1)

    def proj(p, name, h):
        out = h @ w[p + f"self_attn.{name}.weight"].T
        if cfg.get("attention_bias"):  # InternLM-style checkpoints (Wqkv / out_proj with bias)
            out = out + w[p + f"self_attn.{name}.bias"]
        return out

    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = proj(p, "q_proj", h).view(B, T, nh, hd).transpose(1, 2)
        k = proj(p, "k_proj", h).view(B, T, nkv, hd).transpose(1, 2)
        v = proj(p, "v_proj", h).view(B, T, nkv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = nh // nkv
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-1, -2)) / (hd ** 0.5) + mask
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, d_model)
        x = x + proj(p, "o_proj", o)
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        g = h @ w[p + "mlp.gate_proj.weight"].T
        u = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * u) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]
    return x @ head.T


def main():
    folder, ids = sys.argv[1], json.loads(sys.argv[2])
    cfg = json.load(open(os.path.join(folder, "config.json")))
    w = load_weights(folder)
    with torch.no_grad():
        logits = forward(cfg, w, torch.tensor([ids], dtype=torch.long))
    print(json.dumps({"logits": logits[0].tolist()}))


if __name__ == "__main__":
    main()
