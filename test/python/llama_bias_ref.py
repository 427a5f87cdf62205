"""llama_ref.py's independent PyTorch forward of LlamaForCausalLM, extended to attention_bias.

transformers' LlamaAttention builds q_proj, k_proj, v_proj and o_proj with
bias=config.attention_bias (models/llama/modeling_llama.py); this forward adds those biases and is
otherwise llama_ref.py's (weights read with its safetensors reader, RMSNorm, half-split rotary,
grouped-query attention, SwiGLU, tied or untied head). Used to check Hugging Face folders written
from InternEvo checkpoints whose attention has biases (InternLM's Wqkv / out_proj).

Usage: llama_bias_ref.py MODEL_DIR IDS_JSON  ->  prints {"logits": [[...], ...]}
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_ref import load_weights, rms_norm, rotate_half  # noqa: E402


def forward(cfg, w, ids):
    d_model = cfg["hidden_size"]
    nh = cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads", nh)
    hd = d_model // nh
    eps = cfg["rms_norm_eps"]
    theta = cfg.get("rope_theta", 10000.0)
    B, T = ids.shape
    x = w["model.embed_tokens.weight"][ids]
    inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    freqs = torch.outer(torch.arange(T).float(), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.full((T, T), float("-inf")).triu(1)

    def proj(p, name, h):
        out = h @ w[p + f"self_attn.{name}.weight"].T
        if cfg.get("attention_bias"):
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
