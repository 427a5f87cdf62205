// Which backends can run here, and why not: the data behind `tinylm backends --json`.
import { loadBlas } from '../blas/library';
import { poolWorkerScript } from '../blas/thread-pool';
import { resolveThreads } from '../blas/threads';
import { probeWebGpu } from './webgpu-probe';
import { BACKEND_NAMES, type BackendName, firstLine, importOptional, isNode } from './names';

export interface BackendAvailability {
  name: BackendName;
  available: boolean;
  /** Why it is unavailable, or what provides it when available. */
  reason: string;
  /** A software implementation (SwiftShader's CPU WebGPU): available, but not preferred over wasm. */
  software?: boolean;
}

/** The packages that provide the `tensorflow` backend, preferred first. */
export const TENSORFLOW_PACKAGES = Object.freeze(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const);

let tensorflowProbe: Promise<{ pkg: string } | string> | undefined;

/** Loads tfjs-node-gpu or tfjs-node (which registers the `tensorflow` backend), once. */
export function loadTensorflowBinding(): Promise<{ pkg: string } | string> {
  tensorflowProbe ??= (async () => {
    if (!isNode()) return 'only in Node (tfjs-node and tfjs-node-gpu are native addons)';
    const failures: string[] = [];
    for (const pkg of TENSORFLOW_PACKAGES) {
      try {
        await importOptional(pkg);
        return { pkg };
      } catch (e) {
        const msg = firstLine(e);
        failures.push(
          /Cannot find (module|package)|Could not resolve|ERR_MODULE_NOT_FOUND/.test(msg)
            ? `${pkg} is not installed`
            : `${pkg} failed to load: ${msg}`,
        );
      }
    }
    return `${failures.join('; ')} (optional peers: npm install @tensorflow/tfjs-node-gpu for CUDA)`;
  })();
  return tensorflowProbe;
}

/** Probes one backend; never throws. */
export async function probeBackend(name: BackendName): Promise<BackendAvailability> {
  switch (name) {
    case 'tensorflow': {
      const r = await loadTensorflowBinding();
      return typeof r === 'string' ? { name, available: false, reason: r } : { name, available: true, reason: `provided by ${r.pkg}` };
    }
    case 'webgpu': {
      const r = await probeWebGpu();
      if (typeof r === 'string') return { name, available: false, reason: r };
      const software = /swiftshader|llvmpipe|lavapipe|software|fallback/i.test(r.description);
      return { name, available: true, reason: `adapter: ${r.description}`, ...(software ? { software } : {}) };
    }
    case 'blas': {
      const r = await loadBlas();
      if (typeof r === 'string') return { name, available: false, reason: r };
      const script = await poolWorkerScript();
      const threads = await resolveThreads().then(
        (n) =>
          `${n} thread${n === 1 ? '' : 's'}${n > 1 && typeof script === 'string' ? ` (in products only: tinylm's thread pool cannot start, ${script})` : ''}`,
        (e: Error) => e.message,
      );
      return { name, available: true, reason: `${r.vendor} at ${r.file}${r.detail ? ` (${r.detail})` : ''}; ${threads}` };
    }
    case 'wasm':
      return typeof WebAssembly === 'object'
        ? { name, available: true, reason: 'provided by @tensorflow/tfjs-backend-wasm (XNNPACK)' }
        : { name, available: false, reason: 'this runtime has no WebAssembly' };
    case 'cpu':
      return { name, available: true, reason: 'provided by @tensorflow/tfjs-backend-cpu (plain JavaScript)' };
  }
}

/** Probes every backend, in preference order. */
export function probeBackends(): Promise<BackendAvailability[]> {
  return Promise.all(BACKEND_NAMES.map(probeBackend));
}
