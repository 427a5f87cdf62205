// Parts of causal grouped-query attention on the blas backend (see ../attention.ts for the math).
// A unit is one (batch, KV head) pair with its H / KV query heads: every head it writes (dQ of
// its query heads, dK and dV of its KV head, summed over the query heads in head order) is its
// own, so units never share an output. Per head: products on BLAS, softmax and its gradient in
// wasm SIMD, the (T, S) score block in this thread's SIMD module memory, where BLAS writes it.
import type { HeadLayout } from '../../names';
import type { Simd } from '../../simd/simd';
import type { Part } from './context';

/** Shapes of Q (B, H, T, D) or (B, T, H, D) and K (B, KV, S, D) or (B, S, KV, D). */
export interface AttentionShape {
  qShape: number[];
  kShape: number[];
  layout: HeadLayout;
  offset: number;
}

export function attentionDims({ qShape, kShape, layout }: AttentionShape) {
  const bthd = layout === 'bthd';
  const [b, h, t, d] = bthd ? [qShape[0], qShape[2], qShape[1], qShape[3]] : qShape;
  const [kv, s] = bthd ? [kShape[2], kShape[1]] : [kShape[1], kShape[2]];
  // where head (b, h)'s rows start and how far apart they are, for queries and for keys
  const qAt = (bi: number, hi: number) => (bthd ? (bi * t * h + hi) * d : (bi * h + hi) * t * d);
  const kAt = (bi: number, hi: number) => (bthd ? (bi * s * kv + hi) * d : (bi * kv + hi) * s * d);
  const [ldq, ldk] = bthd ? [h * d, kv * d] : [d, d];
  // the span a head's rows cover, for subarray views handed to BLAS
  const [qSpan, kSpan] = [(t - 1) * ldq + d, (s - 1) * ldk + d];
  return { b, h, kv, t, s, d, g: h / kv, scale: 1 / Math.sqrt(d), qAt, kAt, ldq, ldk, qSpan, kSpan };
}

/** Units of an attention call: one per (batch, KV head). */
export const attentionUnits = (shape: AttentionShape) => {
  const { b, kv } = attentionDims(shape);
  return b * kv;
};

/** Float32 views of consecutive regions of the SIMD module's memory (byte offsets too). */
function regions(sim: Simd, sizes: number[]): { ptrs: number[]; views: Float32Array[] } {
  const bytes = sizes.map((n) => (n * 4 + 15) & ~15);
  let p = sim.reserve(bytes.reduce((a, b) => a + b, 0));
  const ptrs = bytes.map((b) => ((p += b), p - b));
  const mem = sim.f32();
  return { ptrs, views: ptrs.map((ptr, i) => mem.subarray(ptr >> 2, (ptr >> 2) + sizes[i])) };
}

/** Copies a head's t rows of width d, `ld` apart in `src` from `at`, to a packed block. */
function packRows(src: Float32Array, at: number, ld: number, t: number, d: number, dst: Float32Array): void {
  if (ld === d) dst.set(src.subarray(at, at + t * d));
  else for (let i = 0; i < t; i++) dst.set(src.subarray(at + i * ld, at + i * ld + d), i * d);
}

/** Calls `head(bi, hi, kvHead)` for every query head of units [from, to), in head order. */
function eachHead(
  dims: ReturnType<typeof attentionDims>,
  from: number,
  to: number,
  head: (bi: number, hi: number, kvh: number) => void,
): void {
  for (let unit = from; unit < to; unit++) {
    const [bi, kvh] = [Math.floor(unit / dims.kv), unit % dims.kv];
    for (let hi = kvh * dims.g; hi < (kvh + 1) * dims.g; hi++) head(bi, hi, kvh);
  }
}

export interface AttentionFwdArgs extends AttentionShape {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  out: Float32Array;
  lse: Float32Array;
}

export const attentionFwd: Part<AttentionFwdArgs> = (ctx, a, from, to) => {
  const dims = attentionDims(a);
  const { h, t, s, d, scale, qAt, kAt, ldq, ldk, qSpan, kSpan } = dims;
  const sim = ctx.simd;
  const {
    ptrs: [pS, pL],
    views: [scores, rowLse],
  } = regions(sim, [t * s, t]);
  const sgemm = ctx.blas.sgemm;
  eachHead(dims, from, to, (bi, hi, kvh) => {
    const [qo, ko] = [qAt(bi, hi), kAt(bi, kvh)];
    sgemm(false, true, t, s, d, scale, a.q.subarray(qo, qo + qSpan), ldq, a.k.subarray(ko, ko + kSpan), ldk, 0, scores, s);
    sim.k.softmaxCausal(pS, pL, t, s, a.offset);
    a.lse.set(rowLse, (bi * h + hi) * t);
    sgemm(false, false, t, d, s, 1, scores, s, a.v.subarray(ko, ko + kSpan), ldk, 0, a.out.subarray(qo, qo + qSpan), ldq);
  });
};

export interface AttentionBwdArgs extends AttentionFwdArgs {
  dy: Float32Array;
  dq: Float32Array;
  dk: Float32Array;
  dv: Float32Array;
}

export const attentionBwd: Part<AttentionBwdArgs> = (ctx, a, from, to) => {
  const dims = attentionDims(a);
  const { h, t, s, d, scale, qAt, kAt, ldq, ldk, qSpan, kSpan } = dims;
  const sim = ctx.simd;
  const {
    ptrs: [pP, pDP, pL, pDO, pO],
    views: [p, dp, rowLse, dOut, o],
  } = regions(sim, [t * s, t * s, t, t * d, t * d]);
  const sgemm = ctx.blas.sgemm;
  eachHead(dims, from, to, (bi, hi, kvh) => {
    const [qo, ko] = [qAt(bi, hi), kAt(bi, kvh)];
    const [qh, doh] = [a.q, a.dy].map((x) => x.subarray(qo, qo + qSpan));
    const [kh, vh] = [a.k, a.v].map((x) => x.subarray(ko, ko + kSpan));
    sgemm(false, true, t, s, d, scale, qh, ldq, kh, ldk, 0, p, s);
    rowLse.set(a.lse.subarray((bi * h + hi) * t, (bi * h + hi + 1) * t));
    sim.k.probsFromLse(pP, pL, t, s, a.offset);
    sgemm(true, false, s, d, t, 1, p, s, doh, ldq, 1, a.dv.subarray(ko, ko + kSpan), ldk);
    sgemm(false, true, t, s, d, 1, doh, ldq, vh, ldk, 0, dp, s);
    packRows(a.dy, qo, ldq, t, d, dOut);
    packRows(a.out, qo, ldq, t, d, o);
    sim.k.attnDScores(pP, pDP, pDO, pO, t, s, d, a.offset);
    sgemm(false, false, t, d, s, scale, dp, s, kh, ldk, 0, a.dq.subarray(qo, qo + qSpan), ldq);
    sgemm(true, false, s, d, t, scale, dp, s, qh, ldq, 1, a.dk.subarray(ko, ko + kSpan), ldk);
  });
};
