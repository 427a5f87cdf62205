// The `blas` backend: tfjs's plain-JavaScript cpu backend (tensors in ordinary typed arrays, so
// no WebAssembly heap limits the model) with tinylm's kernels for everything a training step
// spends time in: matrix products in the system BLAS, fused norms, rotary, attention, SwiGLU,
// cross-entropy and AdamW (src/kernels/blas/). Every other op is tfjs-cpu's own kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendValues, DataId, DataType, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { importOptional } from '../backend/names';
import { BufferPool } from './buffer-pool';
import type { BlasLibrary } from './library';

/** Freed tensor memory kept for reuse: up to a quarter of this machine's memory, at most 8 GiB. */
async function poolCapBytes(): Promise<number> {
  const os = await importOptional<typeof import('node:os')>('node:os');
  return Math.min(os.totalmem() / 4, 8 * 1024 ** 3);
}

export const BLAS_BACKEND = 'blas';

/** What every instance of the backend reads: the library and the thread count initBackend set last. */
interface BlasSettings {
  blas: BlasLibrary;
  threads: number;
}

export class BlasBackend extends MathBackendCPU {
  readonly pool: BufferPool;
  private readonly settings: BlasSettings;

  constructor(settings: BlasSettings, poolBytes: number) {
    super();
    this.settings = settings;
    this.pool = new BufferPool(poolBytes);
    // tfjs-cpu's "install tfjs-node" banner is about this very backend's speed: not for us
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  get blas(): BlasLibrary {
    return this.settings.blas;
  }

  /** The thread count (a later initBackend may change it). */
  get threads(): number {
    return this.settings.threads;
  }

  /** The typed array behind a tensor of this backend. */
  values(t: TensorInfo): TypedArray {
    return this.data.get(t.dataId).values as TypedArray;
  }

  /** A new float32 tensor of this backend over `values` (taken, not copied). */
  output(shape: number[], values: Float32Array): TensorInfo {
    return this.makeTensorInfo(shape, 'float32', values);
  }

  /**
   * Runs `f` with the BLAS on one thread: for many small products (attention's per-head ones),
   * where handing each to a second thread costs more than it saves (13.6 against 20 ms for a
   * bench-5m layer's attention, forward and backward).
   */
  singleThreaded<T>(f: () => T): T {
    const set = this.blas.setThreads;
    if (!set || this.threads === 1) return f();
    set(1);
    try {
      return f();
    } finally {
      set(this.threads);
    }
  }

  /** A zeroed float32 array for a kernel's output (reused memory where possible). */
  alloc(n: number): Float32Array {
    return this.pool.take(n);
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    this.pool.onWrite(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.pool.onWrite(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override readSync(dataId: DataId): BackendValues {
    this.pool.onRead(this.data.get(dataId).values);
    return super.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const released = super.disposeData(dataId, force);
    if (released && values) this.pool.onRelease(values);
    return released;
  }
}

let registered: BlasSettings | undefined;

/**
 * Registers the backend once per process with tfjs-cpu's kernels copied to it and tinylm's on top.
 * Later calls with another thread count change the count (the library and kernels stay).
 */
export async function registerBlasBackend(blas: BlasLibrary, threads: number, ownKernels: readonly string[]): Promise<void> {
  blas.setThreads?.(threads);
  if (registered) {
    registered.threads = threads;
    return;
  }
  const settings: BlasSettings = { blas, threads };
  registered = settings;
  const poolBytes = await poolCapBytes();
  tf.registerBackend(BLAS_BACKEND, () => new BlasBackend(settings, poolBytes), 1);
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
