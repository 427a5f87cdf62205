#!/usr/bin/env python3
"""tinylm's PyTorch yardstick for `tinylm bench train`: the training step of a bench preset, timed on the CPU.

What it is: a LLaMA-2 decoder (token embedding; per layer a pre-norm RMSNorm (eps 1e-5),
multi-head attention without biases and with half-split rotary embeddings (base 10000), a
second RMSNorm and a SwiGLU MLP; a final RMSNorm and an untied output head), trained on one
fixed batch of random tokens (torch.manual_seed(0), then ids and targets from randint). One step
is forward, F.cross_entropy, backward, clip_grad_norm_(1.0) and AdamW (lr 1e-3, betas
(0.9, 0.95), weight decay 0.1): the same model, data and step as tinylm's own benchmark
(@tinylm/model benchTrain), so the two figures can be compared side by side on one machine.
`tinylm bench train --all` runs it twice, with --threads 1 and --threads <every core>.

Install torch on Debian:
    apt-get install -y python3-torch libopenblas0-pthread
libopenblas0-pthread matters: without it Debian's torch falls back to the reference BLAS and
runs about 7x slower, which would flatter any comparison with it.

Usage:
    python3 torch_train_ref.py [--preset bench-5m|bench-20m|bench-100m] [--steps N] [--warmup N]
                               [--threads N] [--max-seconds S]
--threads N sets torch.set_num_threads(N) (torch's own intra-op pool); 0 keeps torch's default.
Debian's OpenBLAS keeps a pool of its own for the matmuls, sized by OPENBLAS_NUM_THREADS (default:
every core), which set_num_threads does not reach; export OPENBLAS_NUM_THREADS=1 as well for a
strictly single-core run.
--max-seconds S stops the timed steps once S seconds have passed (at least one timed step runs),
so a bench-100m run stays bounded. Warm-up steps are not timed.

Output: one JSON line on stdout, e.g.
    {"impl": "pytorch-cpu", "torch": "1.13.0", "threads": 1, "preset": "bench-5m", "params": 5261568,
     "tokens_per_step": 1024, "steps": 3, "step_ms": 410.2, "tokens_per_s": 2496.3, "peak_rss_mb": 310.4}
peak_rss_mb is this process's peak resident set in MiB: VmHWM of /proc/self/status on Linux
(getrusage's ru_maxrss / 1024 elsewhere; on Linux ru_maxrss would carry over the peak of the
process that started this one, such as a tinylm bench run that is GBs in).

Also importable: PRESETS (name -> V, D, L, H, FF, B, T) and Model(V, D, L, H, FF, T), as used by
tooling/device/torch_train_cuda.py.
"""
import argparse
import json
import math
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# name -> vocab V, hidden D, layers L, heads H, FFN FF, batch B, sequence T
PRESETS = {
    "bench-5m": {"V": 4096, "D": 256, "L": 4, "H": 4, "FF": 688, "B": 8, "T": 128},
    "bench-20m": {"V": 8192, "D": 384, "L": 8, "H": 6, "FF": 1024, "B": 8, "T": 256},
    "bench-100m": {"V": 8192, "D": 768, "L": 12, "H": 12, "FF": 2048, "B": 8, "T": 256},
}


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="PyTorch CPU training throughput of a tinylm bench preset")
    ap.add_argument("--preset", default="bench-5m", choices=list(PRESETS))
    ap.add_argument("--steps", type=int, default=10, help="timed steps (default 10)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first (default 3)")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="stop the timed steps once this many seconds have passed (at least one step)")
    a = ap.parse_args(argv)
    if a.steps < 1:
        ap.error("--steps must be >= 1")
    if a.warmup < 0 or a.threads < 0:
        ap.error("--warmup and --threads must be >= 0")
    if a.max_seconds is not None and a.max_seconds <= 0:
        ap.error("--max-seconds must be > 0")
    return a


class RMSNorm(nn.Module):
    """x / sqrt(mean(x^2) + eps) * weight, over the last dimension."""

    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        scale = torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return x * scale * self.weight


def rotate_half_split(x, cos, sin):
    """Rotary embedding, HF LLaMA convention: dimension i pairs with i + head_dim/2."""
    half = x.shape[-1] // 2
    first, second = x[..., :half], x[..., half:]
    return x * cos + torch.cat((-second, first), dim=-1) * sin


class DecoderLayer(nn.Module):
    def __init__(self, D, H, FF):
        super().__init__()
        self.heads = H
        self.input_layernorm = RMSNorm(D)
        self.post_attention_layernorm = RMSNorm(D)
        # Created in this order (q, k, v, o, gate, up, down): the random init, and so the random
        # tokens drawn after the model, depend on it.
        self.q_proj = nn.Linear(D, D, bias=False)
        self.k_proj = nn.Linear(D, D, bias=False)
        self.v_proj = nn.Linear(D, D, bias=False)
        self.o_proj = nn.Linear(D, D, bias=False)
        self.gate_proj = nn.Linear(D, FF, bias=False)
        self.up_proj = nn.Linear(D, FF, bias=False)
        self.down_proj = nn.Linear(FF, D, bias=False)

    def attention(self, h, cos, sin, mask):
        B, T, D = h.shape
        hd = D // self.heads

        def heads(t):  # (B, T, D) -> (B, H, T, hd)
            return t.view(B, T, self.heads, hd).transpose(1, 2)

        q = rotate_half_split(heads(self.q_proj(h)), cos, sin)
        k = rotate_half_split(heads(self.k_proj(h)), cos, sin)
        v = heads(self.v_proj(h))
        scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
        probs = scores.masked_fill(mask, float("-inf")).softmax(dim=-1)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(B, T, D)
        return self.o_proj(out)

    def forward(self, x, cos, sin, mask):
        x = x + self.attention(self.input_layernorm(x), cos, sin, mask)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Model(nn.Module):
    """LLaMA-2 decoder for sequences of exactly T tokens (RoPE tables and causal mask precomputed)."""

    def __init__(self, V, D, L, H, FF, T):
        super().__init__()
        self.embed_tokens = nn.Embedding(V, D)
        self.layers = nn.ModuleList(DecoderLayer(D, H, FF) for _ in range(L))
        self.norm = RMSNorm(D)
        self.lm_head = nn.Linear(D, V, bias=False)
        hd = D // H
        inv_freq = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        angles = torch.outer(torch.arange(T, dtype=torch.float32), inv_freq)  # (T, hd/2)
        angles = torch.cat((angles, angles), dim=-1)  # (T, hd)
        self.register_buffer("rope_cos", angles.cos().view(1, 1, T, hd), persistent=False)
        self.register_buffer("rope_sin", angles.sin().view(1, 1, T, hd), persistent=False)
        future = torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)  # True above the diagonal
        self.register_buffer("future_mask", future, persistent=False)

    def forward(self, ids):
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, self.rope_cos, self.rope_sin, self.future_mask)
        return self.lm_head(self.norm(x))


def build(preset):
    """The preset's model, its AdamW and its fixed random batch, seeded as the benchmark is."""
    p = PRESETS[preset]
    torch.manual_seed(0)
    model = Model(p["V"], p["D"], p["L"], p["H"], p["FF"], p["T"])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
    ids = torch.randint(0, p["V"], (p["B"], p["T"]))
    targets = torch.randint(0, p["V"], (p["B"], p["T"]))
    return model, opt, ids, targets


def count_params(model):
    return sum(t.numel() for t in model.parameters())


def train_step(model, opt, ids, targets):
    opt.zero_grad(set_to_none=True)
    logits = model(ids)
    loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss.item()  # a host sync every step, as a training loop logging its loss has


def peak_rss_mb():
    """This process's peak resident set, MiB.

    Linux: VmHWM of /proc/self/status (KiB), the high-water mark of this program's own memory.
    getrusage's ru_maxrss (KiB on Linux) is the fallback elsewhere, but it survives fork + exec:
    started from a large parent (the tinylm bench, several GB after its cpu backend) it would
    report the parent's peak instead of torch's. macOS reports ru_maxrss in bytes.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def main(a):
    if a.threads:
        torch.set_num_threads(a.threads)
    p = PRESETS[a.preset]
    model, opt, ids, targets = build(a.preset)
    for _ in range(a.warmup):
        train_step(model, opt, ids, targets)
    budget = math.inf if a.max_seconds is None else a.max_seconds
    start = time.perf_counter()
    timed = 0
    while timed < a.steps and (timed == 0 or time.perf_counter() - start < budget):
        train_step(model, opt, ids, targets)
        timed += 1
    step_ms = (time.perf_counter() - start) / timed * 1000
    tokens = p["B"] * p["T"]
    print(json.dumps({
        "impl": "pytorch-cpu",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "preset": a.preset,
        "params": count_params(model),
        "tokens_per_step": tokens,
        "steps": timed,
        "step_ms": round(step_ms, 1),
        "tokens_per_s": round(tokens / step_ms * 1000, 1),
        "peak_rss_mb": peak_rss_mb(),
    }), flush=True)


if __name__ == "__main__":
    main(parse_args())
