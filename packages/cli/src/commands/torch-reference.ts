// Runs the PyTorch training yardstick (bench/torch_train_ref.py from the project's shared folder,
// or TINYLM_TORCH_REF) with Debian's python3-torch, when both are present.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export interface TorchReference {
  impl: string;
  tokens_per_s: number;
  step_ms: number;
  [key: string]: unknown;
}

function findScript(): string | undefined {
  const candidates = [process.env.TINYLM_TORCH_REF, resolve(process.cwd(), '../shared/bench/torch_train_ref.py')];
  return candidates.find((p): p is string => typeof p === 'string' && existsSync(p));
}

/** The reference's JSON line, or why it could not run. */
export function runTorchReference(preset: string, steps: number, warmup: number): TorchReference | string {
  const script = findScript();
  if (!script) return 'torch_train_ref.py not found (set TINYLM_TORCH_REF to its path)';
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch']).status === 0);
  if (!python) return 'no python3 with torch (Debian: apt-get install python3-torch libopenblas0-pthread)';
  const r = spawnSync(python, [script, '--preset', preset, '--steps', String(steps), '--warmup', String(Math.max(warmup, 1))], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return `torch_train_ref.py failed: ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchReference;
}
