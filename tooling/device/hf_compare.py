#!/usr/bin/env python3
"""Hugging Face transformers as the reference for tinylm's numbers (used by gpu_check.py).

usage: hf_compare.py JOB.json OUT.json

JOB kind "logits": {"kind": "logits", "cases": [{"name", "model_dir", "ids": [...],
  "ours": {"webgpu": "logits.json", "wasm": "..."}}]}: loads each folder with
  AutoModelForCausalLM.from_pretrained in float32, on CUDA (when present) and the CPU, and reports
  max |ours - HF| per backend and device, HF's max |logit| and argmax agreement.
JOB kind "student": {"kind": "student", "model_dir", "texts": {"en": ..., "zh": ...},
  "ours_ids": {...}, "ours_logits": {"en": "file", ...}, "ours_greedy": {"en": [...], ...},
  "max_new_tokens": N}: AutoTokenizer ids vs ours, logits on the prompt ids, greedy continuation
  (a plain argmax loop without cache, and model.generate with EOS stopping off) vs ours.
"""
import copy
import json
import sys
import time
import traceback

import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False


def load_model(model_dir):
    from transformers import AutoModelForCausalLM

    try:
        m = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    except TypeError:
        m = AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float32)
    return m.eval()


def devices():
    return (["cuda"] if torch.cuda.is_available() else []) + ["cpu"]


def load_ours(path):
    with open(path) as f:
        return torch.tensor(json.load(f)["logits"], dtype=torch.float64)


@torch.no_grad()
def hf_logits(model, ids, device):
    x = torch.tensor([ids], dtype=torch.long, device=device)
    return model(input_ids=x, use_cache=False).logits[0].double().cpu()


def compare(ours, ref):
    d = (ours - ref).abs()
    return {
        "max_abs_diff": float(d.max()),
        "mean_abs_diff": float(d.mean()),
        "max_abs_ref": float(ref.abs().max()),
        "rel_max_diff": float(d.max() / ref.abs().max().clamp_min(1e-30)),
        "argmax_agree": f"{int((ours.argmax(-1) == ref.argmax(-1)).sum())}/{ref.shape[0]}",
    }


def model_info(model):
    c = model.config
    tied = model.get_output_embeddings().weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()
    return {
        "class": type(model).__name__,
        "attn_implementation": getattr(c, "_attn_implementation", None),
        "num_attention_heads": c.num_attention_heads,
        "num_key_value_heads": c.num_key_value_heads,
        "tie_word_embeddings": getattr(c, "tie_word_embeddings", None),
        "lm_head_shares_embedding": tied,
        "rope_theta": getattr(c, "rope_theta", None) or (getattr(c, "rope_parameters", None) or {}).get("rope_theta"),
        "params": sum(p.numel() for p in model.parameters()),
    }


def greedy_compare(r, ours_g, loop, margins):
    agree = 0
    for a, b in zip(ours_g, loop):
        if a != b:
            break
        agree += 1
    r["greedy_equal"] = ours_g == loop
    r["greedy_agree_prefix"] = f"{agree}/{len(loop)}"
    if agree < len(loop):
        r["margin_at_first_mismatch"] = margins[agree]


def job_logits(job):
    out = {}
    for case in job["cases"]:
        r = out[case["name"]] = {}
        try:
            model = load_model(case["model_dir"])
            r["hf_model"] = model_info(model)
            ours = {b: load_ours(p) for b, p in case["ours"].items()}
            for i, dev in enumerate(devices()):
                m = model if dev == "cpu" else copy.deepcopy(model).to(dev)
                ref = hf_logits(m, case["ids"], dev)
                for b, o in ours.items():
                    r[f"{b}_vs_hf_{dev}"] = compare(o, ref)
                if i == 0 and "ours_greedy" in case:
                    loop, margins = greedy_loop(m, case["greedy_prompt"], len(case["ours_greedy"]), dev)
                    r["greedy_device"] = dev
                    r["ours_greedy"] = case["ours_greedy"]
                    r["hf_greedy_loop"] = loop
                    r["hf_greedy_min_margin"] = min(margins) if margins else None
                    greedy_compare(r, case["ours_greedy"], loop, margins)
                if dev != "cpu":
                    del m
            if "webgpu" in ours and "wasm" in ours:
                r["webgpu_vs_wasm"] = compare(ours["webgpu"], ours["wasm"])
        except Exception:
            r["error"] = traceback.format_exc()[-2000:]
    return out


@torch.no_grad()
def greedy_loop(model, ids, n, device):
    seq = list(ids)
    margins = []
    for _ in range(n):
        logits = model(input_ids=torch.tensor([seq], device=device), use_cache=False).logits[0, -1].double()
        top = torch.topk(logits, 2)
        margins.append(float(top.values[0] - top.values[1]))
        seq.append(int(top.indices[0]))
    return seq[len(ids):], margins


@torch.no_grad()
def hf_generate(model, ids, n, device):
    cfg = copy.deepcopy(model.generation_config)
    cfg.do_sample = False
    cfg.max_new_tokens = n
    cfg.min_new_tokens = n
    cfg.eos_token_id = None
    for k in ("temperature", "top_p", "top_k"):
        if hasattr(cfg, k):
            setattr(cfg, k, None)
    x = torch.tensor([ids], device=device)
    y = model.generate(input_ids=x, attention_mask=torch.ones_like(x), generation_config=cfg)
    return [int(t) for t in y[0, len(ids):]]


def job_student(job):
    from transformers import AutoTokenizer

    out = {}
    tok = AutoTokenizer.from_pretrained(job["model_dir"])
    out["tokenizer"] = {"class": type(tok).__name__, "vocab_size": len(tok), "bos_token": tok.bos_token, "eos_token": tok.eos_token}
    model = load_model(job["model_dir"])
    out["hf_model"] = model_info(model)
    dev = devices()[0]
    mdev = copy.deepcopy(model).to(dev) if dev != "cpu" else model
    n = job["max_new_tokens"]
    for lang, text in job["texts"].items():
        r = out[lang] = {"text": text}
        try:
            hf_ids = tok(text, add_special_tokens=False)["input_ids"]
            hf_ids_default = tok(text)["input_ids"]
            ours = job["ours_ids"].get(lang)
            r["hf_ids"] = hf_ids
            r["ours_ids"] = ours
            r["ids_equal"] = ours == hf_ids
            r["hf_default_adds_special"] = hf_ids_default != hf_ids
            r["hf_decode_roundtrip"] = tok.decode(hf_ids) == text
            ids = ours if ours else hf_ids
            if lang in job.get("ours_logits", {}):
                o = load_ours(job["ours_logits"][lang])
                for d in devices():
                    r[f"logits_webgpu_vs_hf_{d}"] = compare(o, hf_logits(mdev if d == dev else model, ids, d))
            loop, margins = greedy_loop(mdev, ids, n, dev)
            r["hf_greedy_loop"] = loop
            r["hf_greedy_min_margin"] = min(margins) if margins else None
            try:
                r["hf_generate"] = hf_generate(mdev, ids, n, dev)
            except Exception:
                r["hf_generate_error"] = traceback.format_exc()[-1500:]
            ours_g = job.get("ours_greedy", {}).get(lang)
            r["ours_greedy"] = ours_g
            if ours_g is not None:
                greedy_compare(r, ours_g, loop, margins)
                r["hf_generate_equals_loop"] = r.get("hf_generate") == loop
                r["ours_text"] = tok.decode(ids + ours_g)
            r["hf_text"] = tok.decode(ids + loop)
        except Exception:
            r["error"] = traceback.format_exc()[-2000:]
    return out


def main():
    job_path, out_path = sys.argv[1], sys.argv[2]
    with open(job_path) as f:
        job = json.load(f)
    t0 = time.time()
    import transformers

    transformers.utils.logging.disable_progress_bar()

    res = {"transformers": transformers.__version__, "torch": torch.__version__, "cuda": torch.cuda.is_available()}
    if torch.cuda.is_available():
        res["gpu"] = torch.cuda.get_device_name(0)
    res.update(job_logits(job) if job["kind"] == "logits" else job_student(job))
    res["seconds"] = round(time.time() - t0, 1)
    with open(out_path, "w") as f:
        json.dump(res, f, indent=1, ensure_ascii=False)
    print(json.dumps(res, ensure_ascii=False)[:3000])


if __name__ == "__main__":
    main()
