// Test support: finds Debian's /usr/bin/python3 with numpy (and torch) for the interop tests
// with ./safetensors_ref.py, and says why they are skipped when it cannot. TINYLM_REQUIRE
// (comma-separated, e.g. "python,torch") turns a missing tool into a failure instead of a skip.
// TINYLM_PYTHON points at another interpreter (e.g. to check the skip path).

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PYTHON = process.env.TINYLM_PYTHON || '/usr/bin/python3';
export const REF_SCRIPT = fileURLToPath(new URL('./safetensors_ref.py', import.meta.url));

/** What the interop tests can use. */
export interface PythonProbe {
  /** python3 and numpy work. */
  numpy: boolean;
  /** torch works too (needed for bf16). */
  torch: boolean;
  /** Why something is missing, for the skip message. */
  reason?: string;
}

/** The tools named in TINYLM_REQUIRE. */
export function requiredTools(): Set<string> {
  return new Set(
    (process.env.TINYLM_REQUIRE ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

export function probePython(): PythonProbe {
  if (!existsSync(PYTHON)) return { numpy: false, torch: false, reason: `${PYTHON} not found` };
  try {
    const out = JSON.parse(runPython(['probe'])) as { numpy: string; torch: string | null };
    return out.torch ? { numpy: true, torch: true } : { numpy: true, torch: false, reason: `torch is not importable by ${PYTHON}` };
  } catch (error) {
    return {
      numpy: false,
      torch: false,
      reason: `${PYTHON} cannot import numpy (${(error as Error).message.split('\n')[0]})`,
    };
  }
}

/** Runs safetensors_ref.py with `args`, returning its stdout (throws with its stderr on failure). */
export function runPython(args: string[]): string {
  return execFileSync(PYTHON, [REF_SCRIPT, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
}
