#!/usr/bin/env python3
"""The device check's steps (started by gpu-check.sh once node and the runtime are unpacked).

Each step is isolated: a failure is recorded in results.json and the next step runs. results.json
is rewritten after every step, so a run cut short still leaves what it measured.

Environment (set by gpu-check.sh): NODE, RT (folder whose node_modules holds the staged runtime),
DEV (the carried .device folder), OUT, WORK (scratch). Knobs for a CPU-only rehearsal:
GPU_CHECK_ALLOW_SOFTWARE=1 (accept a SwiftShader adapter), GPU_CHECK_BENCH_BACKEND (webgpu),
GPU_CHECK_PRESETS ("bench-5m bench-20m bench-100m"), GPU_CHECK_TFJS_PRESETS (bench-5m: also time --webgpu-step tfjs), GPU_CHECK_BENCH_STEPS (10), GPU_CHECK_BENCH_WARMUP (2),
GPU_CHECK_BENCH_MAX_SECONDS (30), GPU_CHECK_TORCH_STEPS (50), GPU_CHECK_MATMUL_N (2048),
GPU_CHECK_DEADLINE_S (270: no step starts later), GPU_CHECK_TIMEOUT_S (330: the hard limit),
GPU_CHECK_SKIP (space-separated step names).
"""
import datetime
import json
import os
import random
import shlex
import subprocess
import sys
import time
import traceback

T0 = time.time()
ENV = os.environ
NODE, RT, DEV, OUT, WORK = (ENV[k] for k in ("NODE", "RT", "DEV", "OUT", "WORK"))
HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable
CLI = [NODE, os.path.join(RT, "node_modules/@tinylm/cli/dist/bin.js")]
DEADLINE = float(ENV.get("GPU_CHECK_DEADLINE_S", "270"))  # no new step starts after this
HARD = float(ENV.get("GPU_CHECK_TIMEOUT_S", "330")) - 10  # gpu-check.sh kills us at GPU_CHECK_TIMEOUT_S
SKIP = set(ENV.get("GPU_CHECK_SKIP", "").split())
ALLOW_SOFTWARE = ENV.get("GPU_CHECK_ALLOW_SOFTWARE") == "1"
GPU_BACKEND = "webgpu"

NEW_TOKENS = 16  # greedy continuation length

RESULTS = {
    "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "steps": {},
    "summary": {},
}


def save():
    RESULTS["elapsed_s"] = round(time.time() - T0, 1)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(RESULTS, f, indent=1, ensure_ascii=False)


def log(*a):
    print(f"[{time.time() - T0:6.1f}s]", *a, flush=True)


def run(cmd, timeout=120, env=None, cwd=None):
    """Runs cmd; returns stdout (raises on failure, with stderr's tail). The timeout is cut to
    what is left before the hard limit, so results.json is written before gpu-check.sh's kill."""
    timeout = max(5, min(timeout, HARD - (time.time() - T0)))
    log("$", " ".join(shlex.quote(str(c)) for c in cmd), f"(timeout {timeout:.0f}s)")
    t = time.time()
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, env={**ENV, **(env or {})}, cwd=cwd)
    err = r.stderr.strip()
    if err:
        print("  stderr:", err[-1500:].replace("\n", "\n  stderr: "), flush=True)
    out = r.stdout.strip()
    print("  stdout:", out[:300].replace("\n", "\n  stdout: ") + (" ..." if len(out) > 300 else ""), flush=True)
    log(f"  rc={r.returncode} in {time.time() - t:.1f}s")
    if r.returncode != 0:
        raise RuntimeError(f"rc={r.returncode}: {' '.join(map(str, cmd))[:300]}\n{err[-1200:]}")
    return r.stdout


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line in output")


def step(name, min_left=0):
    def deco(fn):
        def wrapped():
            if name in SKIP:
                RESULTS["steps"][name] = {"skipped": "GPU_CHECK_SKIP"}
                save()
                return
            left = DEADLINE - (time.time() - T0)
            if left < min_left:
                RESULTS["steps"][name] = {"skipped": f"deadline: {left:.0f}s left, step wants {min_left}s"}
                log(f"== {name}: skipped ({left:.0f}s left)")
                save()
                return
            log(f"== {name}")
            t = time.time()
            rec = RESULTS["steps"].setdefault(name, {})
            try:
                fn(rec)
                rec.setdefault("ok", True)
            except Exception as e:
                rec["ok"] = False
                rec["error"] = "".join(traceback.format_exception_only(type(e), e)).strip()[-2500:]
                log(f"   {name} FAILED: {rec['error'][:500]}")
            rec["seconds"] = round(time.time() - t, 1)
            save()

        return wrapped

    return deco


# ---------------------------------------------------------------------------------------------
@step("sysinfo")
def sysinfo(rec):
    def sh(c):
        try:
            return subprocess.run(c, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception as e:  # noqa: BLE001
            return f"({e})"

    rec["nvidia_smi"] = sh("nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader")
    rec["node"] = sh(f"{NODE} --version")
    rec["python"] = sys.version.split()[0]
    rec["python_packages"] = sh(
        f"{PY} -c \"import torch, importlib.metadata as m; print(torch.__version__, torch.cuda.is_available(), "
        "*(p + '=' + m.version(p) for p in ('transformers', 'tokenizers', 'safetensors')))\""
    )
    rec["vulkan_libs"] = sh("ldconfig -p | grep -i vulkan")
    rec["vk_env"] = {k: ENV[k] for k in ("VK_ICD_FILENAMES", "VK_DRIVER_FILES", "LD_LIBRARY_PATH") if k in ENV}
    RESULTS["summary"]["gpu"] = rec["nvidia_smi"]
    RESULTS["summary"]["node"] = rec["node"]
    RESULTS["summary"]["python_packages"] = rec["python_packages"]


# ---------------------------------------------------------------------------------------------
@step("webgpu_adapter")
def webgpu_adapter(rec):
    """initBackend({backend:'webgpu'}); when the adapter is missing or software, retry with the
    NVIDIA ICD named explicitly (VK_DRIVER_FILES), and keep that for the later steps."""
    global GPU_BACKEND
    script = os.path.join(RT, "webgpu-info.mjs")
    attempts = [{}]
    icds = [p for p in ENV.get("GPU_CHECK_NVIDIA_ICDS", "").split(":") if p and os.path.exists(p)]
    for icd in icds:
        attempts.append({"VK_DRIVER_FILES": icd, "VK_ICD_FILENAMES": icd})
    rec["attempts"] = []
    for extra in attempts:
        try:
            info = last_json(run([NODE, script], timeout=150, env=extra, cwd=RT))
        except Exception as e:  # noqa: BLE001
            info = {"ok": False, "error": str(e)[-1500:]}
        info["env"] = extra
        rec["attempts"].append(info)
        if info.get("ok") and (not info.get("software") or ALLOW_SOFTWARE):
            rec.update({k: v for k, v in info.items() if k != "env"})
            rec["env_used"] = extra
            os.environ.update(extra)
            ENV.update(extra)
            break
    else:
        rec["ok"] = False
        GPU_BACKEND = None
        rec["error"] = "no hardware WebGPU adapter (see attempts)"
    try:  # what `tinylm backends` sees and would pick by default, with the env that worked
        b = last_json(tinylm(["backends", "--json"], timeout=90))
        rec["tinylm_backends_default"] = b.get("default")
        rec["tinylm_backends"] = b.get("backends")
        RESULTS["summary"]["tinylm_default_backend"] = b.get("default")
    except Exception as e:  # noqa: BLE001
        rec["tinylm_backends_error"] = str(e)[-800:]
    RESULTS["summary"]["webgpu_adapter"] = rec.get("report", {}).get("adapter")
    RESULTS["summary"]["webgpu_software"] = rec.get("software")
    RESULTS["summary"]["webgpu_matmul_gflops"] = rec.get("matmul_gflops")


def need_gpu():
    if GPU_BACKEND is None:
        raise RuntimeError("webgpu adapter step failed: nothing to run on")


def tinylm(args, timeout=180):
    return run(CLI + args, timeout=timeout, cwd=WORK)


def our_logits(model_dir, ids, backend, path):
    text = tinylm(["logits", "--model", model_dir, "--ids", ",".join(map(str, ids)), "--json", "--backend", backend])
    with open(path, "w") as f:
        f.write(text.strip().splitlines()[-1])
    return path


def hf_job(job, name, timeout=240):
    jp = os.path.join(WORK, f"{name}-job.json")
    op = os.path.join(WORK, f"{name}-hf.json")
    with open(jp, "w") as f:
        json.dump(job, f, ensure_ascii=False)
    run([PY, os.path.join(HERE, "hf_compare.py"), jp, op], timeout=timeout)
    with open(op) as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------------
VARIANTS = {
    # name: (init flags, seed); bench-20m: MHA, untied head, head size 64
    "mha-untied-bench20m": (["--preset", "bench-20m"], 1),
    # GQA 8 query / 2 KV heads, tied embeddings, non-default RoPE base and RMSNorm eps
    "gqa-tied": (["--config", "@gqa"], 2),
}
GQA_CONFIG = {
    "vocabSize": 2048, "hiddenSize": 256, "numLayers": 3, "numHeads": 8, "numKvHeads": 2,
    "intermediateSize": 640, "tieWordEmbeddings": True, "ropeTheta": 500000, "rmsNormEps": 1e-6,
    "maxPositionEmbeddings": 256,
}


@step("model_math", min_left=60)
def model_math(rec):
    need_gpu()
    gqa_path = os.path.join(WORK, "gqa-config.json")
    with open(gqa_path, "w") as f:
        json.dump(GQA_CONFIG, f)
    cases = []
    for name, (flags, seed) in VARIANTS.items():
        flags = [gqa_path if a == "@gqa" else a for a in flags]
        d = os.path.join(WORK, name)
        tinylm(["init", *flags, "--seed", str(seed), "--out", d, "--force", "--backend", "cpu"])
        with open(os.path.join(d, "config.json")) as f:
            vocab = json.load(f)["vocab_size"]
        rng = random.Random(seed)
        ids = [rng.randrange(vocab) for _ in range(48)]
        ours = {b: our_logits(d, ids, b, os.path.join(WORK, f"{name}-{b}.json")) for b in (GPU_BACKEND, "wasm")}
        prompt = ids[:8]  # KV-cached greedy continuation of a random-weight model (no degenerate repeats)
        g = last_json(tinylm(["generate", "--model", d, "--ids", ",".join(map(str, prompt)), "--max-new-tokens", str(NEW_TOKENS), "--greedy", "--json", "--backend", GPU_BACKEND]))
        cases.append({"name": name, "model_dir": d, "ids": ids, "ours": ours, "greedy_prompt": prompt, "ours_greedy": g["ids"]})
    res = hf_job({"kind": "logits", "cases": cases}, "model-math")
    rec.update(res)
    summ = {}
    for c in cases:
        r = res.get(c["name"], {})
        if "error" in r:
            summ[c["name"]] = "error: " + r["error"].strip().splitlines()[-1]
            rec["ok"] = False
            continue
        summ[c["name"]] = {k: v["max_abs_diff"] for k, v in r.items() if isinstance(v, dict) and "max_abs_diff" in v}
        summ[c["name"]]["max_abs_logit"] = r.get(f"{GPU_BACKEND}_vs_hf_cpu", {}).get("max_abs_ref")
        summ[c["name"]]["greedy_agree"] = r.get("greedy_agree_prefix")
        if r.get("greedy_agree_prefix") is None or not r.get("greedy_equal"):
            rec["ok"] = False
    RESULTS["summary"]["model_math_max_abs_diff"] = summ


# ---------------------------------------------------------------------------------------------
TEXTS = {
    "en": "Madam Speaker, Mr. Vice President, members of Congress, the state of our Union is",
    "zh": "床前明月光，疑是地上霜。举头望明月，",
}


@step("student", min_left=60)
def student(rec):
    need_gpu()
    d = os.path.join(DEV, "student-hf")
    rec["model_dir"] = d
    ours_ids, ours_logits, ours_greedy = {}, {}, {}
    for lang, text in TEXTS.items():
        ids = json.loads(tinylm(["encode", "--tokenizer", d, "--text", text]).strip().splitlines()[-1])
        ours_ids[lang] = ids
        ours_logits[lang] = our_logits(d, ids, GPU_BACKEND, os.path.join(WORK, f"student-{lang}-logits.json"))
        g = last_json(tinylm(["generate", "--model", d, "--ids", ",".join(map(str, ids)), "--max-new-tokens", str(NEW_TOKENS), "--greedy", "--json", "--backend", GPU_BACKEND]))
        ours_greedy[lang] = g["ids"]
    res = hf_job({"kind": "student", "model_dir": d, "texts": TEXTS, "ours_ids": ours_ids, "ours_logits": ours_logits, "ours_greedy": ours_greedy, "max_new_tokens": NEW_TOKENS}, "student")
    rec.update(res)
    summ = {}
    for lang in TEXTS:
        r = res.get(lang, {})
        if "error" in r:
            rec["ok"] = False
        summ[lang] = {
            "ids_equal": r.get("ids_equal"),
            "n_ids": len(r.get("hf_ids") or []),
            **{k.replace("logits_", ""): v.get("max_abs_diff") for k, v in r.items() if k.startswith("logits_")},
            "greedy_agree": r.get("greedy_agree_prefix"),
            "hf_generate_equals_loop": r.get("hf_generate_equals_loop"),
            "error": r.get("error", "").strip().splitlines()[-1] if r.get("error") else None,
        }
    RESULTS["summary"]["student"] = summ


# ---------------------------------------------------------------------------------------------
def bench_step(preset):
    @step(f"bench_{preset}", min_left=45)
    def bench(rec):
        backend = ENV.get("GPU_CHECK_BENCH_BACKEND", GPU_BACKEND or "webgpu")
        ref = os.path.join(DEV, "torch_train_ref.py")
        torch_runs = {}
        tsteps = ENV.get("GPU_CHECK_TORCH_STEPS", "50")
        runs = [
            ("cuda_fp32", [PY, os.path.join(HERE, "torch_train_cuda.py"), "--ref", ref, "--preset", preset, "--steps", tsteps, "--warmup", "5"], 90),
            ("cuda_tf32", [PY, os.path.join(HERE, "torch_train_cuda.py"), "--ref", ref, "--preset", preset, "--steps", tsteps, "--warmup", "5", "--tf32"], 90),
            # the unchanged CPU reference script on this machine's cores, for context
            ("cpu_ref_script", [PY, ref, "--preset", preset, "--steps", "3", "--warmup", "1"], 60),
        ]
        for impl, cmd, timeout in runs:
            try:
                torch_runs[impl] = last_json(run(cmd, timeout=timeout))
            except Exception as e:  # noqa: BLE001
                torch_runs[impl] = {"error": str(e)[-800:]}
                log(f"   {impl} failed: {str(e)[:300]}")
        rec["torch"] = torch_runs
        steps = ENV.get("GPU_CHECK_BENCH_STEPS", "10")
        warmup = ENV.get("GPU_CHECK_BENCH_WARMUP", "2")
        maxs = ENV.get("GPU_CHECK_BENCH_MAX_SECONDS", "30")
        bench = ["bench", "train", "--preset", preset, "--backend", backend, "--steps", steps, "--warmup", warmup, "--max-seconds", maxs, "--json"]
        ours = last_json(tinylm(bench, timeout=int(maxs) + 150))  # the compiled webgpu step (the default)
        rec["ours"] = ours
        # the per-op tfjs path, same run, on the presets named (the speed-up of the compiled step)
        if preset in ENV.get("GPU_CHECK_TFJS_PRESETS", "bench-5m").split():
            try:
                rec["ours_tfjs_path"] = last_json(tinylm([*bench, "--webgpu-step", "tfjs"], timeout=int(maxs) + 150))
            except Exception as e:  # noqa: BLE001
                rec["ours_tfjs_path"] = {"error": str(e)[-800:]}
        fp32 = torch_runs.get("cuda_fp32", {}).get("tokens_per_s")
        rec["ratio_vs_torch_fp32"] = round(ours["tokens_per_s"] / fp32, 4) if fp32 else None
        RESULTS["summary"][f"bench_{preset}"] = {
            "ours_backend": ours.get("backend"),
            "ours_tokens_per_s": ours.get("tokens_per_s"),
            "ours_step_ms": ours.get("step_ms"),
            "ours_steps": ours.get("steps"),
            "ours_first_loss": (ours.get("losses") or [None])[0],
            "ours_step_path": ours.get("step_path"),
            "ours_gpu": ours.get("gpu"),
            "tfjs_path_tokens_per_s": rec.get("ours_tfjs_path", {}).get("tokens_per_s"),
            **{f"torch_{k}_tokens_per_s": v.get("tokens_per_s") for k, v in torch_runs.items()},
            "torch_impl_fp32": torch_runs.get("cuda_fp32", {}).get("impl"),
            "torch_first_loss": torch_runs.get("cuda_fp32", {}).get("first_loss"),
            "ratio_ours_vs_torch_fp32": rec["ratio_vs_torch_fp32"],
        }

    return bench


def main():
    os.makedirs(WORK, exist_ok=True)
    presets = ENV.get("GPU_CHECK_PRESETS", "bench-5m bench-20m bench-100m").split()
    for fn in [sysinfo, webgpu_adapter, model_math, student, *[bench_step(p) for p in presets]]:
        fn()
    log("done; summary:")
    print(json.dumps(RESULTS["summary"], indent=1, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
