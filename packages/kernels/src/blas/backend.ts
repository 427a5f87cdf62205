// The `blas` backend: tfjs's plain-JavaScript cpu backend (tensors in ordinary typed arrays, so
// no WebAssembly heap limits the model) with tinylm's kernels for everything a training step
// spends time in: matrix products in the system BLAS, fused norms, rotary, attention, SwiGLU,
// cross-entropy and AdamW (src/kernels/blas/). Every other op is tfjs-cpu's own kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BlasLibrary } from './library';

export const BLAS_BACKEND = 'blas';

export class BlasBackend extends MathBackendCPU {
  readonly blas: BlasLibrary;
  readonly threads: number;

  constructor(blas: BlasLibrary, threads: number) {
    super();
    this.blas = blas;
    this.threads = threads;
    // tfjs-cpu's "install tfjs-node" banner is about this very backend's speed: not for us
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** The typed array behind a tensor of this backend. */
  values(t: TensorInfo): TypedArray {
    return this.data.get(t.dataId).values as TypedArray;
  }

  /** A new float32 tensor of this backend over `values` (taken, not copied). */
  output(shape: number[], values: Float32Array): TensorInfo {
    return this.makeTensorInfo(shape, 'float32', values);
  }
}

let registered: { blas: BlasLibrary; threads: number } | undefined;

/**
 * Registers the backend once per process with tfjs-cpu's kernels copied to it and tinylm's on top.
 * Later calls with another thread count change the count (the library and kernels stay).
 */
export function registerBlasBackend(blas: BlasLibrary, threads: number, ownKernels: readonly string[]): void {
  blas.setThreads?.(threads);
  if (registered) {
    registered.threads = threads;
    return;
  }
  registered = { blas, threads };
  const state = registered;
  tf.registerBackend(BLAS_BACKEND, () => new BlasBackend(state.blas, state.threads), 1);
  // tinylm's own kernels are registered by registerTinylmKernels once the backend is active
  const own = new Set(ownKernels);
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (!own.has(k.kernelName) && !tf.getKernel(k.kernelName, BLAS_BACKEND)) tf.registerKernel({ ...k, backendName: BLAS_BACKEND });
  }
}

/** tfjs-cpu's kernel for `name`, to fall back on for cases a blas kernel does not cover. */
export function cpuKernel(name: string): tf.KernelFunc {
  const k = tf.getKernel(name, 'cpu');
  if (!k) throw new Error(`tfjs-backend-cpu has no ${name} kernel`);
  return k.kernelFunc;
}
