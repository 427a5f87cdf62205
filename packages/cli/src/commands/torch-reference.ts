// Runs the PyTorch training yardstick, bench/torch_train_ref.py shipped in this package (or the
// script TINYLM_TORCH_REF names), with Debian's python3-torch, when torch is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface TorchReference {
  impl: string;
  threads: number;
  tokens_per_s: number;
  step_ms: number;
  [key: string]: unknown;
}

export interface TorchReferenceOptions {
  steps: number;
  warmup: number;
  /** torch.set_num_threads; omitted: torch's default. */
  threads?: number;
  /** Stop the timed steps once this many seconds have passed (at least one step runs). */
  maxSeconds?: number;
}

/**
 * The package's torch_train_ref.py: `bench/` sits beside `dist/` in the package (and in the
 * repository). The built bundles (dist/*.js, dist/*.cjs through tsup's import.meta.url shim) are
 * one folder below the package root, this source file (run by vitest) two.
 */
const PACKAGED = ['../bench/torch_train_ref.py', '../../bench/torch_train_ref.py'];

/** The script that would run: TINYLM_TORCH_REF when set, else the one shipped in this package. */
export function torchReferenceScript(): string | undefined {
  const override = process.env.TINYLM_TORCH_REF;
  if (override) return existsSync(override) ? override : undefined;
  return PACKAGED.map((p) => fileURLToPath(new URL(p, import.meta.url))).find((p) => existsSync(p));
}

/** The script and a python3 that imports torch, or why the reference cannot run here. */
export function torchReferenceSetup(): { script: string; python: string } | string {
  const script = torchReferenceScript();
  if (!script) {
    return process.env.TINYLM_TORCH_REF
      ? `TINYLM_TORCH_REF names a missing file: ${process.env.TINYLM_TORCH_REF}`
      : 'torch_train_ref.py not found beside this package (set TINYLM_TORCH_REF to its path)';
  }
  // Debian's python3-torch lives under /usr/bin/python3, which a pyenv python3 on PATH may shadow.
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch']).status === 0);
  if (!python) return 'no python3 with torch (Debian: apt-get install python3-torch libopenblas0-pthread)';
  return { script, python };
}

/** The reference's JSON line, or why it could not run. */
export function runTorchReference(preset: string, options: TorchReferenceOptions): TorchReference | string {
  const setup = torchReferenceSetup();
  if (typeof setup === 'string') return setup;
  const { script, python } = setup;
  const args = [script, '--preset', preset, '--steps', String(options.steps), '--warmup', String(Math.max(options.warmup, 1))];
  if (options.threads !== undefined) args.push('--threads', String(options.threads));
  if (options.maxSeconds !== undefined) args.push('--max-seconds', String(options.maxSeconds));
  const r = spawnSync(python, args, { encoding: 'utf8' });
  if (r.error) return `torch_train_ref.py could not start: ${r.error.message}`;
  if (r.status !== 0) return `torch_train_ref.py failed: ${r.stderr.trim().split('\n').pop()}`;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as TorchReference;
  } catch {
    return `torch_train_ref.py printed no JSON line: ${last.slice(0, 200)}`;
  }
}
