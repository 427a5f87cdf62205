// Bounded-memory reads of selected rows of a checkpoint tensor. Safetensors stores tensors
// row-major, so consecutive rows are one contiguous byte range (hf-io reads row ranges directly).
// Kept rows are grouped into spans (runs, merged across small gaps: reading a few unneeded rows
// costs less than another read call), spans are read in chunks of at most `maxBytes`, the kept
// rows of each chunk are packed, and the next chunk is read while the caller works on this one.
// Reading never holds more than two chunks of a tensor.
import { type Dtype, decodeTensorAsFloat32, type HfCheckpoint } from '@tinylm/hf-io';

/** Default chunk size for streamed reads: 16 MiB. */
export const DEFAULT_CHUNK_BYTES = 16 << 20;
/** Gaps up to this many bytes between kept rows are read through rather than skipped. */
const MERGE_GAP_BYTES = 1 << 20;

/** Contiguous runs [start, end) of ascending `indices`. */
export function runsOf(indices: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const i of indices) {
    const last = runs[runs.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
}

/** Packed kept rows: `data` holds rows `rows[0]`, `rows[1]`, ... (source row indices) back to back. */
export interface RowChunk<T> {
  readonly rows: readonly number[];
  readonly data: T;
}

interface Piece {
  /** rows [start, end) are read in one call */
  start: number;
  end: number;
  /** the kept ones among them */
  kept: number[];
}

/** The read calls for `rows` (null = all) of a tensor with `n` rows of `rowBytes` bytes. */
function plan(n: number, rowBytes: number, rows: readonly number[] | null, maxBytes: number): Piece[] {
  const per = Math.max(1, Math.floor(maxBytes / Math.max(1, rowBytes)));
  const gap = Math.max(0, Math.floor(MERGE_GAP_BYTES / Math.max(1, rowBytes)));
  const spans: [number, number][] = [];
  for (const [a, b] of rows === null ? [[0, n] as [number, number]] : runsOf(rows)) {
    const last = spans[spans.length - 1];
    if (last && a - last[1] <= gap) last[1] = b;
    else spans.push([a, b]);
  }
  const keep = rows === null ? null : new Set(rows);
  const pieces: Piece[] = [];
  for (const [a, b] of spans) {
    for (let s = a; s < b; s += per) {
      const e = Math.min(b, s + per);
      const kept: number[] = [];
      for (let r = s; r < e; r++) if (!keep || keep.has(r)) kept.push(r);
      pieces.push({ start: s, end: e, kept });
    }
  }
  return pieces;
}

/**
 * Reads rows `rows` (ascending source row indices; null = all rows) of tensor `name` as raw bytes
 * of its stored dtype, in chunks of whole rows of at most `maxBytes` (at least one row).
 */
export async function* readRowChunks(
  ck: HfCheckpoint,
  name: string,
  rows: readonly number[] | null,
  maxBytes = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<RowChunk<Uint8Array>> {
  const info = ck.info(name);
  const n = info.shape[0];
  const rowBytes = n === 0 ? 0 : info.byteLength / n;
  const pieces = plan(n, rowBytes, rows, maxBytes);
  const read = (p: Piece) => ck.readTensorBytes(name, { rows: [p.start, p.end] });
  const start = (i: number) => {
    const promise = read(pieces[i]);
    promise.catch(() => undefined); // awaited below; no unhandled rejection if the caller stops early
    return promise;
  };
  let next = pieces.length > 0 ? start(0) : undefined;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    const bytes = await next!;
    next = i + 1 < pieces.length ? start(i + 1) : undefined; // overlap the next read with the caller's work
    if (p.kept.length === p.end - p.start) {
      yield { rows: p.kept, data: bytes };
      continue;
    }
    const packed = new Uint8Array(p.kept.length * rowBytes);
    p.kept.forEach((r, j) => packed.set(bytes.subarray((r - p.start) * rowBytes, (r - p.start + 1) * rowBytes), j * rowBytes));
    yield { rows: p.kept, data: packed };
  }
}

/**
 * Float32 values of raw little-endian `bytes` of `dtype`, written into `scratch` when it is large
 * enough (reused across chunks: streaming reductions allocate nothing per chunk).
 */
export function toFloat32(bytes: Uint8Array, dtype: Dtype, scratch?: Float32Array): Float32Array {
  if (dtype === 'F32') return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const n = bytes.byteLength / 2;
  if (dtype !== 'BF16' || !scratch || scratch.length < n || bytes.byteOffset % 2 !== 0) return decodeTensorAsFloat32(bytes, dtype);
  // BF16 is the top half of a float32: shift the bits up (into an Int32Array, so no conversion)
  const bits = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  const out = new Int32Array(scratch.buffer, scratch.byteOffset, n);
  for (let i = 0; i < n; i++) out[i] = bits[i] << 16;
  return scratch.subarray(0, n);
}
