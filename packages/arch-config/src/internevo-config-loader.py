# Test support for internevo-emit.test.ts: loads an emitted config the way InternEvo's
# Config.from_file does (internlm/core/context/parallel_context.py on v0.3.x: the file is
# imported as a module with importlib's SourceFileLoader, and every module-level name that is
# not a dunder, a module or a class becomes a config item), then prints those items as JSON.
# InternEvo calls the deprecated SourceFileLoader.load_module(); exec_module() on a module made
# from the same loader runs the file the same way and still exists on Python 3.12+.
# Tuples are kept distinguishable from lists ({"__tuple__": [...]}) because InternEvo v0.3
# compares load_ckpt_info["content"] with the tuple ("model",).
# Usage: python3 internevo-config-loader.py CONFIG.py
import importlib.util
import inspect
import json
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path


def load(filename):
    filepath = Path(filename).absolute()
    assert filepath.exists() and filepath.suffix == ".py"
    loader = SourceFileLoader(fullname=filepath.stem, path=str(filepath))
    spec = importlib.util.spec_from_loader(filepath.stem, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return {
        k: v
        for k, v in module.__dict__.items()
        if not (k.startswith("__") or inspect.ismodule(v) or inspect.isclass(v))
    }


def plain(v):
    if isinstance(v, tuple):
        return {"__tuple__": [plain(x) for x in v]}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return v


config = load(sys.argv[1])
out = plain(config)
# InternEvo's FFN size, computed by Python (modeling_llama.py + FeedForward multiple_of=256).
h = int(config["HIDDEN_SIZE"] * config["MLP_RATIO"])
out["__ffn__"] = 256 * ((h + 256 - 1) // 256)
print(json.dumps(out))
