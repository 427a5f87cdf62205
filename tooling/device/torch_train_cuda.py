#!/usr/bin/env python3
"""The PyTorch training yardstick (torch_train_ref.py, packages/cli/bench/torch_train_ref.py) on CUDA.

Imports that script's Model and PRESETS unchanged and runs the same step (forward, cross-entropy,
backward, clip 1.0, AdamW, loss.item() every step, as the script does) on the GPU in float32,
eager mode. Matmul TF32 is off unless --tf32 (PyTorch's default for matmul is off too).
Falls back to the CPU when CUDA is missing (for checking this script on a machine without a GPU).

usage: torch_train_cuda.py --ref PATH/torch_train_ref.py [--preset bench-5m] [--steps N] [--warmup N] [--tf32]
Prints one JSON line like the reference's.
"""
import argparse
import importlib.util
import json
import time

import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", required=True)
    ap.add_argument("--preset", default="bench-5m")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--tf32", action="store_true")
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("torch_train_ref", a.ref)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = a.tf32
        torch.backends.cudnn.allow_tf32 = a.tf32
    p = ref.PRESETS[a.preset]
    torch.manual_seed(0)
    m = ref.Model(p["V"], p["D"], p["L"], p["H"], p["FF"], p["T"]).to(dev)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
    ids = torch.randint(0, p["V"], (p["B"], p["T"])).to(dev)
    tgt = torch.randint(0, p["V"], (p["B"], p["T"])).to(dev)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(m(ids).view(-1, p["V"]), tgt.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
        return loss.item()

    losses = [step() for _ in range(a.warmup)]
    if dev.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        losses.append(step())
    if dev.type == "cuda":
        torch.cuda.synchronize()
    ms = (time.perf_counter() - t0) / a.steps * 1000
    print(json.dumps({
        "impl": f"pytorch-{dev.type}" + ("-tf32" if a.tf32 and dev.type == "cuda" else ""),
        "torch": torch.__version__,
        "gpu": torch.cuda.get_device_name(0) if dev.type == "cuda" else None,
        "preset": a.preset, "params": sum(t.numel() for t in m.parameters()),
        "tokens_per_step": p["B"] * p["T"], "steps": a.steps, "warmup": a.warmup,
        "step_ms": round(ms, 3), "tokens_per_s": round(p["B"] * p["T"] / ms * 1000, 1),
        "first_loss": round(losses[0], 6),
    }))


if __name__ == "__main__":
    main()
