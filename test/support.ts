// Helpers for the cross-package tests: run built code in a child Node process, as users do.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node` with args in `cwd` (default: the repository root). */
export function node(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the built `tinylm` bin. */
export function tinylm(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): RunResult {
  return node([`${ROOT}/packages/cli/dist/bin.js`, ...args], options);
}
