// The `--backend NAME` and `--threads N` flags shared by every command that computes: initialises
// the backend (explicit flag > TINYLM_BACKEND > best available) and prints what was chosen on stderr.
import { availableParallelism } from 'node:os';
import { type BackendReport, initBackend } from '@tinylm/kernels';
import { type WebGpuStepChoice, webgpuStepChoice } from '@tinylm/model';
import { intFlag, UsageError } from '../args';
import type { CliIo } from '../io';
import { showValue } from '@tinylm/errors';

export const BACKEND_FLAG = { backend: { type: 'string' }, threads: { type: 'string' } } as const;

/** `--webgpu-step compiled|tfjs`, for the commands that train: which step runs on webgpu. */
export const WEBGPU_STEP_FLAG = { 'webgpu-step': { type: 'string' } } as const;

/** --webgpu-step as a choice (default TINYLM_WEBGPU_STEP, else compiled). */
export function webgpuStepFlag(value: unknown): WebGpuStepChoice {
  try {
    return webgpuStepChoice(value === undefined ? undefined : String(value));
  } catch {
    throw new UsageError(
      `--webgpu-step must be compiled or tfjs (or TINYLM_WEBGPU_STEP), got ${showValue(value ?? process.env.TINYLM_WEBGPU_STEP)}`,
    );
  }
}

/** --threads as a number: 1 to the cores of this machine (the blas backend's threads). */
export function threadsFlag(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = intFlag('threads', value);
  const cores = availableParallelism();
  if (n > cores) throw new UsageError(`--threads must be at most ${cores} (the cores of this machine), got ${n}`);
  return n;
}

export async function startBackend(flags: { backend?: unknown; threads?: unknown }, io: CliIo, quiet = false): Promise<BackendReport> {
  const threads = threadsFlag(flags.threads);
  const report = await initBackend({
    backend: typeof flags.backend === 'string' ? flags.backend : undefined,
    ...(threads ? { threads } : {}),
  });
  const detail = report.adapter ?? (report.blas ? `${report.blas.vendor} at ${report.blas.file}, ${report.threads} threads` : undefined);
  if (!quiet) io.err(`backend: ${report.backend}${detail ? ` (${detail})` : ''}`);
  return report;
}
