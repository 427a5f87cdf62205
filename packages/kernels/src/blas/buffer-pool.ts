// Reuse of the float32 arrays behind the blas backend's tensors. A training step frees and
// allocates the same sizes every step; a fresh typed array costs page faults on first touch
// (~0.3 ms per MB here, hundreds of ms per bench-20m step), a reused one a memset.
// Only arrays this pool allocated are reused, and only when nothing else can still see them:
// an array read by the user (readSync: tfjs-cpu hands out the array itself), stored under a
// second tensor, or viewed by another tensor (tfjs-cpu's Slice returns subarrays) is left to GC.
import { MemoryError } from '../errors';

const MiB = 1024 * 1024;

/** The array is a view of a SharedArrayBuffer. */
export function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly owned = new WeakMap<ArrayBufferLike, Float32Array>();
  private readonly live = new WeakSet<Float32Array>();
  private readonly escaped = new WeakSet<Float32Array>();
  private pooledBytes = 0;
  /** Bytes of arrays handed out and not yet released (escaped ones included until GC). */
  private liveBytes = 0;

  private sharedMode = false;

  /** `shared()` says whether new arrays must be SharedArrayBuffer views (a thread pool reads them). */
  constructor(
    private readonly capBytes: number,
    private readonly shared: () => boolean = () => false,
  ) {}

  /** An array of n entries, reused where one is free; zeroed unless `zeroed` is false. */
  take(n: number, zeroed = true): Float32Array {
    if (this.shared() !== this.sharedMode) {
      this.clear();
      this.sharedMode = this.shared();
    }
    const reused = this.free.get(n)?.pop();
    if (reused) {
      this.pooledBytes -= n * 4;
      this.liveBytes += n * 4;
      if (zeroed) reused.fill(0);
      return reused;
    }
    const a = this.allocate(n);
    this.owned.set(a.buffer, a);
    this.liveBytes += n * 4;
    return a;
  }

  private allocate(n: number): Float32Array {
    try {
      return this.sharedMode ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
    } catch (e) {
      if (this.pooledBytes > 0) {
        this.clear();
        return this.allocate(n);
      }
      throw new MemoryError(
        `out of memory allocating a float32 tensor of ${n.toLocaleString('en-US')} entries (${((n * 4) / MiB).toFixed(1)} MiB) ` +
          `with ${(this.liveBytes / MiB / 1024).toFixed(2)} GiB of tensors live: reduce the batch size, the sequence length or the model`,
        { cause: e },
      );
    }
  }

  /** `values` is being stored behind a tensor. */
  onWrite(values: unknown): void {
    const parent = this.parentOf(values);
    if (!parent) return;
    if (parent !== values || this.live.has(parent)) this.escaped.add(parent);
    else this.live.add(parent);
  }

  /** `values` was handed to the user. */
  onRead(values: unknown): void {
    const parent = this.parentOf(values);
    if (parent) this.escaped.add(parent);
  }

  /** The tensor behind `values` was released. */
  onRelease(values: unknown): void {
    const parent = this.parentOf(values);
    if (!parent || parent !== values || !this.live.has(parent)) return;
    this.live.delete(parent);
    this.liveBytes -= parent.byteLength;
    if (this.escaped.has(parent) || isShared(parent) !== this.sharedMode || this.pooledBytes + parent.byteLength > this.capBytes) return;
    const list = this.free.get(parent.length);
    if (list) list.push(parent);
    else this.free.set(parent.length, [parent]);
    this.pooledBytes += parent.byteLength;
  }

  /** Only its tensor can see `values`: an array of this pool, live, never read, viewed or stored twice. */
  isPrivate(values: unknown): boolean {
    const parent = this.parentOf(values);
    return parent !== undefined && parent === values && this.live.has(parent) && !this.escaped.has(parent);
  }

  /** Drops every pooled array (to GC). */
  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }

  private parentOf(values: unknown): Float32Array | undefined {
    return ArrayBuffer.isView(values) ? this.owned.get(values.buffer) : undefined;
  }
}
