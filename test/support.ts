// Helpers for the cross-package tests: run built code in a child Node process, as users do.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node` with args in `cwd` (default: the repository root). With `timeoutMs`, the child is
 * killed after that long (status null).
 */
export function node(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): RunResult {
  const r = spawnSync(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: options.timeoutMs,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the built `tinylm` bin. */
export function tinylm(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): RunResult {
  return node([`${ROOT}/packages/cli/dist/bin.js`, ...args], options);
}

/**
 * Runs the built `tinylm` bin without blocking the test worker (for runs of minutes, which would
 * otherwise starve vitest's worker RPC).
 */
export function tinylmAsync(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; killWhen?: RegExp } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [`${ROOT}/packages/cli/dist/bin.js`, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      // `killWhen`: stop it the moment stderr shows that line (an interrupted run, as a user's Ctrl-C or a crash leaves it)
      if (options.killWhen?.test(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}
