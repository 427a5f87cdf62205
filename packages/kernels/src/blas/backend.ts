// The `blas` backend: tfjs's plain-JavaScript cpu backend (tensors in ordinary typed arrays, so
// no WebAssembly heap limits the model) with tinylm's kernels for everything a training step
// spends time in: matrix products in the system BLAS, fused norms, rotary, attention, SwiGLU,
// cross-entropy and AdamW (src/kernels/blas/). Every other op is tfjs-cpu's own kernel.
// On more than one thread, tensors live in SharedArrayBuffers and tinylm's kernels split their
// work over a thread pool (thread-pool.ts), the BLAS single-threaded on each thread.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendValues, DataId, DataType, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { importOptional } from '../backend/names';
import { type PartArgs, type PartName, runPart } from '../kernels/blas/parts';
import type { PartContext } from '../kernels/blas/parts/context';
import { simd } from '../kernels/simd/simd';
import { BufferPool, isShared } from './buffer-pool';
import type { BlasLibrary } from './library';
import { ThreadPool } from './thread-pool';

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
  /** The workers when threads > 1 and they started. */
  pool?: ThreadPool;
  /** How the threads are used, for reports. */
  threading: string;
  /** useThreads has run once (the BLAS's thread count is ours, not its default). */
  configured?: boolean;
}

/** Every typed array in a part's arguments (one level of arrays deep) is in shared memory. */
function allShared(args: object): boolean {
  return Object.values(args).every((v) =>
    ArrayBuffer.isView(v) ? isShared(v) : Array.isArray(v) ? v.every((x) => !ArrayBuffer.isView(x) || isShared(x)) : true,
  );
}

export class BlasBackend extends MathBackendCPU {
  readonly pool: BufferPool;
  private readonly settings: BlasSettings;

  constructor(settings: BlasSettings, poolBytes: number) {
    super();
    this.settings = settings;
    this.pool = new BufferPool(poolBytes, () => settings.pool !== undefined);
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

  /** How the threads are used (the pool, or why only the BLAS's own threads). */
  get threading(): string {
    return this.settings.threading;
  }

  /** The thread pool, when the kernels run on more than one thread. */
  get threadPool(): ThreadPool | undefined {
    return this.settings.pool;
  }

  /**
   * Runs units [0, units) of kernel part `name`: split over the thread pool when there is one and
   * every array of `args` is shared memory, else all on this thread. Same bits either way.
   */
  parallel<N extends PartName>(name: N, args: PartArgs<N>, units: number): void {
    const pool = this.settings.pool;
    const ctx: PartContext = { simd: simd(), blas: this.blas };
    if (pool && units > 1 && allShared(args as object)) pool.run(name, args, units, (from, to) => runPart(name, ctx, args, from, to));
    else runPart(name, ctx, args, 0, units);
  }

  /** A zeroed array of n entries a part may write from any thread (reduction partials). */
  scratch<A extends Float32Array | Float64Array>(type: { new (buffer: ArrayBufferLike): A; BYTES_PER_ELEMENT: number }, n: number): A {
    const bytes = n * type.BYTES_PER_ELEMENT;
    return new type(this.settings.pool ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  /** The typed array behind a tensor of this backend. */
  values(t: TensorInfo): TypedArray {
    return this.data.get(t.dataId).values as TypedArray;
  }

  /**
   * Whether a kernel may overwrite `t`'s memory with its own output: one tensor holds it (the
   * backend's reference count is 1) and no user or other tensor can see the array.
   */
  writableInPlace(t: TensorInfo): boolean {
    return this.refCount(t.dataId) === 1 && this.pool.isPrivate(this.data.get(t.dataId).values);
  }

  /** An output that is `t` itself (its memory was overwritten in place): one more reference. */
  sameAs(t: TensorInfo): TensorInfo {
    this.incRef(t.dataId);
    return { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
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
    if (!set || this.threads === 1 || this.settings.pool) return f();
    set(1);
    try {
      return f();
    } finally {
      set(this.threads);
    }
  }

  /** A zeroed float32 array for a kernel's output (reused memory where possible). */
  alloc(n: number): Float32Array {
    return this.pool.take(n, true);
  }

  /**
   * A float32 array for an output the kernel writes every entry of: reused memory is not zeroed
   * first (zeroing shared memory costs 0.35 ns a float here, 7x a plain array).
   */
  allocForWrite(n: number): Float32Array {
    return this.pool.take(n, false);
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    return super.write(this.adopt(values), shape, dtype);
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    super.move(dataId, this.adopt(values), shape, dtype, refCount);
  }

  /**
   * What a new tensor stores: `values`, or with a thread pool a shared copy of numeric arrays
   * (the workers can only read shared memory; the caller's array is then never aliased).
   */
  private adopt(values: BackendValues): BackendValues {
    if (this.settings.pool && (values instanceof Float32Array || values instanceof Int32Array) && !isShared(values)) {
      const copy =
        values instanceof Float32Array ? this.pool.take(values.length, false) : new Int32Array(new SharedArrayBuffer(values.byteLength));
      if (copy instanceof Float32Array) this.blas.copy(values as Float32Array, copy);
      else copy.set(values);
      values = copy;
    }
    this.pool.onWrite(values);
    return values;
  }

  /** Shared arrays are read out as a copy (what the user holds is then ordinary memory). */
  override readSync(dataId: DataId): BackendValues {
    const values = this.data.get(dataId).values;
    if (ArrayBuffer.isView(values) && isShared(values)) return (values as Float32Array).slice();
    this.pool.onRead(values);
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

/** How the registered backend uses its threads ('one thread' before initBackend chose blas). */
export function blasThreading(): string {
  return registered?.threading ?? 'one thread';
}

/**
 * Registers the backend once per process with tfjs-cpu's kernels copied to it and tinylm's on top.
 * Later calls with another thread count change the count (the library and kernels stay).
 */
export async function registerBlasBackend(blas: BlasLibrary, threads: number, ownKernels: readonly string[]): Promise<void> {
  simd().useCopy(blas.copy);
  if (registered) {
    await useThreads(registered, threads);
    return;
  }
  const settings: BlasSettings = { blas, threads: 1, threading: 'one thread' };
  await useThreads(settings, threads);
  registered = settings;
  const poolBytes = await poolCapBytes();
  tf.registerBackend(BLAS_BACKEND, () => new BlasBackend(settings, poolBytes), 1);
  // tinylm's own kernels are registered by registerTinylmKernels once the backend is active
  const own = new Set(ownKernels);
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (!own.has(k.kernelName) && !tf.getKernel(k.kernelName, BLAS_BACKEND)) tf.registerKernel({ ...k, backendName: BLAS_BACKEND });
  }
}

/** Starts (or stops) the thread pool for `threads`; without one the BLAS threads its products alone. */
async function useThreads(settings: BlasSettings, threads: number): Promise<void> {
  if (settings.threads === threads && settings.configured && (threads === 1 || settings.pool)) return;
  settings.configured = true;
  settings.pool?.close();
  settings.pool = undefined;
  settings.threads = threads;
  settings.threading = 'one thread';
  if (threads > 1) {
    const pool = await ThreadPool.start(threads, settings.blas.file);
    if (typeof pool === 'string')
      settings.threading = `${settings.blas.vendor}'s own threads in products only (tinylm's thread pool: ${pool})`;
    else {
      settings.pool = pool;
      settings.threading = `every kernel split over ${threads} threads, the BLAS single-threaded on each`;
    }
  }
  settings.blas.setThreads?.(settings.pool ? 1 : threads);
}

/** tfjs-cpu's kernel for `name`, to fall back on for cases a blas kernel does not cover. */
export function cpuKernel(name: string): tf.KernelFunc {
  const k = tf.getKernel(name, 'cpu');
  if (!k) throw new Error(`tfjs-backend-cpu has no ${name} kernel`);
  return k.kernelFunc;
}
