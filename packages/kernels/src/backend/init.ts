// initBackend: the one call that picks, initialises and describes the tensor backend.
// Order: explicit choice > TINYLM_BACKEND > best available (tensorflow > webgpu > blas > wasm > cpu).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { blasThreading, registerBlasBackend } from '../blas/backend';
import { loadBlas } from '../blas/library';
import { resolveThreads } from '../blas/threads';
import { BackendError } from '../errors';
import { ensureGradients } from '../gradients/ensure-gradients';
import { registerTinylmKernels, tinylmKernelNames } from '../kernels/register-all';
import { BACKEND_NAMES, type BackendName, isBackendName, isNode, readEnv } from './names';
import { type BackendAvailability, probeBackend, probeBackends } from './probe';
import { registerWebGpuBackend } from './register-webgpu';
import { parseOptions } from '@tinylm/errors';
import { initBackendOptions } from '../options';

export interface InitBackendOptions {
  /** Backend to use; overrides TINYLM_BACKEND. */
  backend?: BackendName | string;
  /** Threads for the wasm backend where multithreading is supported (browser, cross-origin isolated). */
  wasmThreads?: number;
  /** Threads of the blas backend; overrides TINYLM_THREADS; default every core (os.availableParallelism). */
  threads?: number;
}

export interface BackendReport {
  /** The backend now active in tfjs. */
  backend: BackendName;
  /** Why it was chosen. */
  reason: string;
  /** WebGPU adapter description, when the backend is webgpu. */
  adapter?: string;
  /**
   * The BLAS library (vendor, file, what it says of itself) and how the threads are used, when the
   * backend is blas.
   */
  blas?: { vendor: string; file: string; detail?: string; threading: string };
  /** Threads the backend computes with (1 for cpu; wasm's thread pool; 0 when unknown). */
  threads: number;
  runtime: 'node' | 'browser';
  /** Where tfjs gradients came from (see docs/backends.md). */
  gradients: 'tfjs-core' | 'bundled';
  /** Every backend with its availability, as probed while choosing. */
  candidates: BackendAvailability[];
}

/**
 * Picks and initialises the tfjs backend, registers tinylm's kernels for it, and reports.
 * Throws BackendError naming the available backends when the requested one is unknown or unavailable.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  options = parseOptions(initBackendOptions, options, 'initBackend');
  const gradients = await ensureGradients();
  const fromEnv = readEnv('TINYLM_BACKEND');
  const requested = options.backend ?? (fromEnv && fromEnv.length > 0 ? fromEnv : undefined);
  let chosen: BackendName;
  let reason: string;
  let candidates: BackendAvailability[];
  if (requested !== undefined) {
    const source = options.backend !== undefined ? 'requested by the caller' : 'requested by TINYLM_BACKEND';
    if (!isBackendName(requested)) {
      candidates = await probeBackends();
      throw new BackendError(
        `unknown backend "${requested}" (${source}); choose one of ${BACKEND_NAMES.join(', ')} ` +
          `(available here: ${listAvailable(candidates)})`,
      );
    }
    const probe = await probeBackend(requested);
    if (!probe.available) {
      candidates = await probeBackends();
      throw new BackendError(
        `backend "${requested}" (${source}) is not available: ${probe.reason}. Available here: ${listAvailable(candidates)}`,
      );
    }
    candidates = [probe];
    chosen = requested;
    reason = source;
  } else {
    candidates = await probeBackends();
    // a software WebGPU adapter (SwiftShader) is a CPU rasteriser: slower than wasm, so last
    const ranked = [...candidates.filter((c) => !c.software), ...candidates.filter((c) => c.software)];
    const best = ranked.find((c) => c.available);
    if (!best) throw new BackendError('no tfjs backend is available');
    chosen = best.name;
    const passedOver = candidates.filter((c) => c !== best && (ranked.indexOf(c) < ranked.indexOf(best) || (c.software && c.available)));
    const skipped = passedOver.map(
      (c) => `${c.name}: ${c.software && c.available ? `${c.reason} is a software adapter, slower than wasm` : c.reason}`,
    );
    reason = skipped.length ? `best available (${skipped.join('; ')})` : 'best available';
  }
  let adapter: string | undefined;
  let blas: BackendReport['blas'];
  let threads = 0;
  if (chosen === 'webgpu') adapter = await registerWebGpuBackend();
  if (chosen === 'blas') {
    threads = await resolveThreads(options.threads);
    const lib = await loadBlas();
    if (typeof lib === 'string') throw new BackendError(`backend "blas" is not available: ${lib}`);
    await registerBlasBackend(lib, threads, tinylmKernelNames('blas'));
    blas = { vendor: lib.vendor, file: lib.file, ...(lib.detail ? { detail: lib.detail } : {}), threading: blasThreading() };
  }
  if (chosen === 'wasm' && options.wasmThreads) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(options.wasmThreads);
  }
  const ok = await tf.setBackend(chosen);
  if (!ok) throw new BackendError(`backend "${chosen}" failed to initialise (tfjs setBackend returned false)`);
  await tf.ready();
  // tfjs's cpu backend prints an install-tfjs-node banner on first use, on stdout in some
  // runtimes, which would corrupt --json output; the report's reason already says it.
  if (chosen === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  registerTinylmKernels(chosen);
  return {
    backend: chosen,
    reason,
    adapter,
    ...(blas ? { blas } : {}),
    threads: threads || (await threadsOf(chosen)),
    runtime: isNode() ? 'node' : 'browser',
    gradients,
    candidates,
  };
}

function listAvailable(candidates: BackendAvailability[]): string {
  const names = candidates.filter((c) => c.available).map((c) => c.name);
  return names.length ? names.join(', ') : 'none';
}

async function threadsOf(name: BackendName): Promise<number> {
  if (name === 'cpu') return 1;
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    return tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? wasm.getThreadsCount() : 1;
  }
  return 0;
}

/** One line per fact, for humans: what was chosen, on what, and why. */
export function formatBackendReport(r: BackendReport): string {
  const lines = [`backend: ${r.backend} (${r.reason})`];
  if (r.adapter) lines.push(`adapter: ${r.adapter}`);
  if (r.blas) lines.push(`blas: ${r.blas.vendor} at ${r.blas.file}${r.blas.detail ? ` (${r.blas.detail})` : ''}`);
  lines.push(`threads: ${r.threads === 0 ? 'n/a' : r.threads}${r.blas ? ` (${r.blas.threading})` : ''}`, `runtime: ${r.runtime}`);
  return lines.join('\n');
}
