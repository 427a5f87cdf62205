// Causal grouped-query attention for the blas backend, per (batch, head): products on the system
// BLAS, softmax and its gradient in wasm SIMD (simd/kernels.ts), the (T, S) score block in the
// SIMD module's memory, where BLAS writes it directly.
//   forward:  S = Q K^T / sqrt(D), P = softmax over keys j <= offset + i, O = P V;
//             keeps lse = logsumexp of each score row, never P.
//   backward: P recomputed from S and lse (memory O(B H T D), as flash attention), then
//             dV += P^T dO,  dP = dO V^T,  dS = P * (dP - rowsum(dO * O)),
//             dQ = dS K / sqrt(D),  dK += dS^T Q / sqrt(D).
// Query head h reads KV head floor(h / (H / KV)) (Hugging Face's repeat_kv order), so dK and dV
// of a KV head sum over its query heads (sgemm with beta = 1), in head order. Heads are read and
// written in place in either layout: (B, H, T, D), or (B, T, H, D) through BLAS row strides.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { ATTENTION, ATTENTION_GRAD, type AttentionAttrs, type HeadLayout } from '../names';
import { simd } from '../simd/simd';

function dims(q: TensorInfo, k: TensorInfo, layout: HeadLayout) {
  const bthd = layout === 'bthd';
  const [b, h, t, d] = bthd ? [q.shape[0], q.shape[2], q.shape[1], q.shape[3]] : q.shape;
  const [kv, s] = bthd ? [k.shape[2], k.shape[1]] : [k.shape[1], k.shape[2]];
  // where head (b, h)'s rows start and how far apart they are, for queries and for keys
  const qAt = (bi: number, hi: number) => (bthd ? (bi * t * h + hi) * d : (bi * h + hi) * t * d);
  const kAt = (bi: number, hi: number) => (bthd ? (bi * s * kv + hi) * d : (bi * kv + hi) * s * d);
  const [ldq, ldk] = bthd ? [h * d, kv * d] : [d, d];
  // the span a head's rows cover, for subarray views handed to BLAS
  const [qSpan, kSpan] = [(t - 1) * ldq + d, (s - 1) * ldk + d];
  return { b, h, kv, t, s, d, g: h / kv, scale: 1 / Math.sqrt(d), qAt, kAt, ldq, ldk, qSpan, kSpan };
}

/** Copies a head's t rows of width d, `ld` apart in `src` from `at`, to a packed block. */
function packRows(src: Float32Array, at: number, ld: number, t: number, d: number, dst: Float32Array): void {
  if (ld === d) dst.set(src.subarray(at, at + t * d));
  else for (let i = 0; i < t; i++) dst.set(src.subarray(at + i * ld, at + i * ld + d), i * d);
}

/** Float32 views of consecutive regions of the SIMD module's memory (bytes offsets returned too). */
function regions(sizes: number[]): { ptrs: number[]; views: Float32Array[] } {
  const sim = simd();
  const bytes = sizes.map((n) => (n * 4 + 15) & ~15);
  let p = sim.reserve(bytes.reduce((a, b) => a + b, 0));
  const ptrs = bytes.map((b) => ((p += b), p - b));
  const mem = sim.f32();
  return { ptrs, views: ptrs.map((ptr, i) => mem.subarray(ptr >> 2, (ptr >> 2) + sizes[i])) };
}

const forward: KernelFunc = (args) => (args.backend as BlasBackend).singleThreaded(() => forwardOn(args));
const backward: KernelFunc = (args) => (args.backend as BlasBackend).singleThreaded(() => backwardOn(args));

function forwardOn(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const backend = args.backend as BlasBackend;
  const { q, k, v } = args.inputs as Record<string, TensorInfo>;
  const { offset, layout } = args.attrs as unknown as AttentionAttrs;
  const { b, h, kv, t, s, d, g, scale, qAt, kAt, ldq, ldk, qSpan, kSpan } = dims(q, k, layout);
  const [qv, kvv, vv] = [q, k, v].map((x) => backend.values(x) as Float32Array);
  const out = backend.alloc(b * h * t * d);
  const lse = backend.alloc(b * h * t);
  const sim = simd();
  const {
    ptrs: [pS, pL],
    views: [scores, rowLse],
  } = regions([t * s, t]);
  const sgemm = backend.blas.sgemm;
  for (let bi = 0; bi < b; bi++) {
    for (let hi = 0; hi < h; hi++) {
      const qo = qAt(bi, hi);
      const ko = kAt(bi, Math.floor(hi / g));
      sgemm(false, true, t, s, d, scale, qv.subarray(qo, qo + qSpan), ldq, kvv.subarray(ko, ko + kSpan), ldk, 0, scores, s);
      sim.k.softmaxCausal(pS, pL, t, s, offset);
      lse.set(rowLse, (bi * h + hi) * t);
      sgemm(false, false, t, d, s, 1, scores, s, vv.subarray(ko, ko + kSpan), ldk, 0, out.subarray(qo, qo + qSpan), ldq);
    }
  }
  return [backend.output(q.shape, out), backend.output([b, h, t], lse)];
}

function backwardOn(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const backend = args.backend as BlasBackend;
  const { q, k, v, out, lse, dy } = args.inputs as Record<string, TensorInfo>;
  const { offset, layout } = args.attrs as unknown as AttentionAttrs;
  const { b, h, kv, t, s, d, g, scale, qAt, kAt, ldq, ldk, qSpan, kSpan } = dims(q, k, layout);
  const [qv, kvv, vv, ov, lv, dyv] = [q, k, v, out, lse, dy].map((x) => backend.values(x) as Float32Array);
  const [dq, dk, dv] = [backend.alloc(qv.length), backend.alloc(kvv.length), backend.alloc(vv.length)];
  const sim = simd();
  const {
    ptrs: [pP, pDP, pL, pDO, pO],
    views: [p, dp, rowLse, dOut, o],
  } = regions([t * s, t * s, t, t * d, t * d]);
  const sgemm = backend.blas.sgemm;
  for (let bi = 0; bi < b; bi++) {
    for (let hi = 0; hi < h; hi++) {
      const qo = qAt(bi, hi);
      const ko = kAt(bi, Math.floor(hi / g));
      const [qh, doh] = [qv, dyv].map((x) => x.subarray(qo, qo + qSpan));
      const [kh, vh] = [kvv, vv].map((x) => x.subarray(ko, ko + kSpan));
      sgemm(false, true, t, s, d, scale, qh, ldq, kh, ldk, 0, p, s);
      rowLse.set(lv.subarray((bi * h + hi) * t, (bi * h + hi + 1) * t));
      sim.k.probsFromLse(pP, pL, t, s, offset);
      sgemm(true, false, s, d, t, 1, p, s, doh, ldq, 1, dv.subarray(ko, ko + kSpan), ldk);
      sgemm(false, true, t, s, d, 1, doh, ldq, vh, ldk, 0, dp, s);
      packRows(dyv, qo, ldq, t, d, dOut);
      packRows(ov, qo, ldq, t, d, o);
      sim.k.attnDScores(pP, pDP, pDO, pO, t, s, d, offset);
      sgemm(false, false, t, d, s, scale, dp, s, kh, ldk, 0, dq.subarray(qo, qo + qSpan), ldq);
      sgemm(true, false, s, d, t, scale, dp, s, qh, ldq, 1, dk.subarray(ko, ko + kSpan), ldk);
    }
  }
  return [backend.output(q.shape, dq), backend.output(k.shape, dk), backend.output(v.shape, dv)];
}

export const attentionBlasConfigs: KernelConfig[] = [
  { kernelName: ATTENTION, backendName: 'blas', kernelFunc: forward },
  { kernelName: ATTENTION_GRAD, backendName: 'blas', kernelFunc: backward },
];
