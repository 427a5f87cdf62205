"""PyTorch reference for AdamW + clip_grad_norm_: reads JSON on stdin
{params: {name: {shape, data}}, grads: [{name: data}, ...], lr, betas, eps, weight_decay,
 no_decay: [names], max_norm}, takes one optimizer step per gradient set, and prints the
parameters and the pre-clip norms as JSON. Computed in float64."""
import json
import sys

import torch

cfg = json.load(sys.stdin)
params = {k: torch.tensor(v["data"], dtype=torch.float64).reshape(v["shape"]).requires_grad_() for k, v in cfg["params"].items()}
decay = [p for k, p in params.items() if k not in cfg["no_decay"]]
nodecay = [p for k, p in params.items() if k in cfg["no_decay"]]
opt = torch.optim.AdamW(
    [{"params": decay, "weight_decay": cfg["weight_decay"]}, {"params": nodecay, "weight_decay": 0.0}],
    lr=cfg["lr"], betas=tuple(cfg["betas"]), eps=cfg["eps"],
)
norms = []
for step in cfg["grads"]:
    for k, p in params.items():
        p.grad = torch.tensor(step[k], dtype=torch.float64).reshape(p.shape)
    norms.append(float(torch.nn.utils.clip_grad_norm_(list(params.values()), cfg["max_norm"])))
    opt.step()
print(json.dumps({"params": {k: p.detach().reshape(-1).tolist() for k, p in params.items()}, "norms": norms}))
