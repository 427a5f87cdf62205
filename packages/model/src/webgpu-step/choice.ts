// Which training step runs on the webgpu backend: the compiled step (the default) or the per-op
// tfjs path (the reference, and the fallback). One home for the option and its environment default.
import { ArgumentError } from '@tinylm/kernels';

/** 'compiled': CompiledTrainStep where the backend is webgpu; 'tfjs': the per-op path everywhere. */
export type WebGpuStepChoice = 'compiled' | 'tfjs';

/** The choice: `option`, else the TINYLM_WEBGPU_STEP environment variable, else 'compiled'. */
export function webgpuStepChoice(option?: string): WebGpuStepChoice {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env?.TINYLM_WEBGPU_STEP;
  const choice = option ?? env ?? 'compiled';
  if (choice !== 'compiled' && choice !== 'tfjs') {
    throw new ArgumentError(`${option !== undefined ? 'webgpuStep' : 'TINYLM_WEBGPU_STEP'} must be "compiled" or "tfjs", got "${choice}"`);
  }
  return choice;
}
