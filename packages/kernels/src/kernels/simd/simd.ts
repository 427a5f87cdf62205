// The wasm SIMD kernels (simd/kernels.ts) for the blas backend: one instance per thread, and
// `tiled`, which streams tensors through the instance's memory a few hundred KB at a time (the
// tile stays in cache between the copy in, the kernel and the copy out). Tensors stay in
// ordinary typed arrays (shared ones when the backend computes on several threads), so no wasm
// heap limits the model.
import { KERNELS_WASM_BASE64 } from './kernels-wasm';

/** The module's exports (pointers are byte offsets into its memory). */
export interface SimdExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  binary(op: number, a: number, b: number, y: number, n: number): void;
  binaryScalar(op: number, a: number, s: number, y: number, n: number): void;
  swigluFwd(g: number, u: number, y: number, n: number): void;
  swigluBwd(g: number, u: number, dy: number, dg: number, du: number, n: number): void;
  adamw(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    scale: number,
    b1: number,
    b2: number,
    eps: number,
    keep: number,
    step: number,
    rootBc2: number,
  ): void;
  sumSquares(x: number, n: number): number;
  rmsNormFwd(x: number, w: number, y: number, rstd: number, rows: number, c: number, eps: number): void;
  rmsNormBwd(x: number, w: number, rstd: number, dy: number, dx: number, dw: number, rows: number, c: number): void;
  rotary(
    x: number,
    cos: number,
    sin: number,
    y: number,
    rows: number,
    firstRow: number,
    perPos: number,
    t: number,
    d: number,
    sign: number,
  ): void;
  xentFwd(logits: number, targets: number, loss: number, lse: number, rows: number, v: number, ignore: number): void;
  xentBwd(logits: number, targets: number, lse: number, dy: number, out: number, rows: number, v: number, ignore: number): void;
  softmaxCausal(s: number, lse: number, t: number, cols: number, offset: number): void;
  probsFromLse(s: number, lse: number, t: number, cols: number, offset: number): void;
  attnDScores(p: number, dp: number, dout: number, out: number, t: number, cols: number, d: number, offset: number): void;
}

type Numbers = Float32Array | Int32Array;

/** A tensor streamed through the tiles: `width` entries per row. */
export interface TileArray {
  data: Numbers;
  width: number;
}

const TILE_BYTES = 256 * 1024;

/** Copies between float arrays; used where one side is shared memory (see Simd.useCopy). */
export type FloatCopy = (src: Float32Array, dst: Float32Array) => void;

const isShared = (a: Numbers) => typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;

export class Simd {
  readonly k: SimdExports;
  private readonly base: number;
  private f32view = new Float32Array(0);
  private i32view = new Int32Array(0);
  private sharedCopy: FloatCopy | undefined;

  constructor() {
    const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: {
        abort: () => {
          throw new Error('tinylm simd kernels: abort');
        },
      },
    });
    this.k = instance.exports as unknown as SimdExports;
    this.base = this.k.heapBase();
  }

  /**
   * Copies to and from shared memory with `copy` (the BLAS's scopy): V8 copies shared buffers
   * with relaxed atomics, 2.5x slower than memcpy (0.26 against 0.10 ns a float here).
   */
  useCopy(copy: FloatCopy): void {
    this.sharedCopy = copy;
  }

  /** Makes room for `bytes` after the heap base; returns the first usable byte offset. */
  reserve(bytes: number): number {
    const need = this.base + bytes - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
    return this.base;
  }

  f32(): Float32Array {
    if (this.f32view.buffer !== this.k.memory.buffer || this.f32view.length === 0) this.f32view = new Float32Array(this.k.memory.buffer);
    return this.f32view;
  }

  private view(a: Numbers): Numbers {
    if (a instanceof Float32Array) return this.f32();
    if (this.i32view.buffer !== this.k.memory.buffer || this.i32view.length === 0) this.i32view = new Int32Array(this.k.memory.buffer);
    return this.i32view;
  }

  /** Copies `a[from, from + n)` to byte offset `ptr`. */
  put(a: Numbers, ptr: number, from = 0, n = a.length - from): void {
    const src = a.subarray(from, from + n);
    if (this.sharedCopy && a instanceof Float32Array && isShared(a))
      this.sharedCopy(src as Float32Array, this.f32().subarray(ptr >> 2, (ptr >> 2) + n));
    else this.view(a).set(src, ptr >> 2);
  }

  /** Copies n entries at byte offset `ptr` into `a` at `to`. */
  get(a: Numbers, ptr: number, to = 0, n = a.length - to): void {
    const src = this.view(a).subarray(ptr >> 2, (ptr >> 2) + n);
    if (this.sharedCopy && a instanceof Float32Array && isShared(a)) this.sharedCopy(src as Float32Array, a.subarray(to, to + n));
    else a.set(src, to);
  }

  /**
   * Runs `kernel(ptrs, firstRow, rowCount)` over `rows` rows in tiles: `fixed` arrays are copied
   * in once (ptrs first, in order), then each tile's rows of `ins` are copied in and of `outs`
   * copied out (ptrs after the fixed ones: ins, then outs); `accumulators` (also fixed, copied in
   * once) are copied back out at the end.
   */
  tiled(
    rows: number,
    ins: TileArray[],
    outs: TileArray[],
    kernel: (ptrs: number[], firstRow: number, count: number) => void,
    fixed: Numbers[] = [],
    accumulators: Numbers[] = [],
  ): void {
    const perRow = [...ins, ...outs].reduce((s, a) => s + a.width * 4, 0);
    // a multiple of 16 rows: the kernels' f32x4 loops and scalar tails then meet the same
    // elements wherever a range starts (on a multiple of 4), so results do not depend on the split
    const fit = Math.floor(TILE_BYTES / Math.max(perRow, 1));
    const tileRows = Math.max(1, Math.min(rows, fit >= 16 ? fit - (fit % 16) : fit));
    const align = (n: number) => (n + 15) & ~15;
    const fixedBytes = [...fixed, ...accumulators].map((a) => align(a.length * 4));
    const tileBytes = [...ins, ...outs].map((a) => align(a.width * 4 * tileRows));
    let p = this.reserve([...fixedBytes, ...tileBytes].reduce((s, b) => s + b, 0));
    const ptrs: number[] = [];
    for (const b of [...fixedBytes, ...tileBytes]) {
      ptrs.push(p);
      p += b;
    }
    [...fixed, ...accumulators].forEach((a, i) => this.put(a, ptrs[i]));
    const fixedCount = fixed.length + accumulators.length;
    for (let r0 = 0; r0 < rows; r0 += tileRows) {
      const count = Math.min(tileRows, rows - r0);
      ins.forEach((a, i) => this.put(a.data, ptrs[fixedCount + i], r0 * a.width, count * a.width));
      kernel(ptrs, r0, count);
      outs.forEach((a, i) => this.get(a.data, ptrs[fixedCount + ins.length + i], r0 * a.width, count * a.width));
    }
    accumulators.forEach((a, i) => this.get(a, ptrs[fixed.length + i]));
  }
}

let instance: Simd | undefined;

/** This thread's instance of the kernels. */
export function simd(): Simd {
  instance ??= new Simd();
  return instance;
}
