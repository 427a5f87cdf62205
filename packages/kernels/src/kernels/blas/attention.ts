// Causal grouped-query attention for the blas backend, per (batch, head): products on the system
// BLAS, softmax and its gradient in wasm SIMD (simd/kernels.ts), the (T, S) score block in the
// SIMD module's memory, where BLAS writes it directly.
//   forward:  S = Q K^T / sqrt(D), P = softmax over keys j <= offset + i, O = P V;
//             keeps lse = logsumexp of each score row, never P.
//   backward: P recomputed from S and lse (memory O(B H T D), as flash attention), then
//             dV += P^T dO,  dP = dO V^T,  dS = P * (dP - rowsum(dO * O)),
//             dQ = dS K / sqrt(D),  dK += dS^T Q / sqrt(D).
// Query head h reads KV head floor(h / (H / KV)) (Hugging Face's repeat_kv order), so dK and dV
// of a KV head sum over its query heads (sgemm with beta = 1), in head order.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { ATTENTION, ATTENTION_GRAD, type AttentionAttrs } from '../names';
import { simd } from '../simd/simd';

function dims(q: TensorInfo, k: TensorInfo) {
  const [b, h, t, d] = q.shape;
  const [, kv, s] = k.shape;
  return { b, h, kv, t, s, d, g: h / kv, scale: 1 / Math.sqrt(d) };
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

const forward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { q, k, v } = args.inputs as Record<string, TensorInfo>;
  const { offset } = args.attrs as unknown as AttentionAttrs;
  const { b, h, kv, t, s, d, g, scale } = dims(q, k);
  const [qv, kvv, vv] = [q, k, v].map((x) => backend.values(x) as Float32Array);
  const out = new Float32Array(b * h * t * d);
  const lse = new Float32Array(b * h * t);
  const sim = simd();
  const {
    ptrs: [pS, pL],
    views: [scores, rowLse],
  } = regions([t * s, t]);
  const sgemm = backend.blas.sgemm;
  for (let bi = 0; bi < b; bi++) {
    for (let hi = 0; hi < h; hi++) {
      const qo = (bi * h + hi) * t * d;
      const ko = (bi * kv + Math.floor(hi / g)) * s * d;
      sgemm(false, true, t, s, d, scale, qv.subarray(qo, qo + t * d), d, kvv.subarray(ko, ko + s * d), d, 0, scores, s);
      sim.k.softmaxCausal(pS, pL, t, s, offset);
      lse.set(rowLse, (bi * h + hi) * t);
      sgemm(false, false, t, d, s, 1, scores, s, vv.subarray(ko, ko + s * d), d, 0, out.subarray(qo, qo + t * d), d);
    }
  }
  return [backend.output(q.shape, out), backend.output([b, h, t], lse)];
};

const backward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { q, k, v, out, lse, dy } = args.inputs as Record<string, TensorInfo>;
  const { offset } = args.attrs as unknown as AttentionAttrs;
  const { b, h, kv, t, s, d, g, scale } = dims(q, k);
  const [qv, kvv, vv, ov, lv, dyv] = [q, k, v, out, lse, dy].map((x) => backend.values(x) as Float32Array);
  const [dq, dk, dv] = [new Float32Array(qv.length), new Float32Array(kvv.length), new Float32Array(vv.length)];
  const sim = simd();
  const {
    ptrs: [pP, pDP, pL, pDO, pO],
    views: [p, dp, rowLse, dOut, o],
  } = regions([t * s, t * s, t, t * d, t * d]);
  const sgemm = backend.blas.sgemm;
  for (let bi = 0; bi < b; bi++) {
    for (let hi = 0; hi < h; hi++) {
      const qo = (bi * h + hi) * t * d;
      const ko = (bi * kv + Math.floor(hi / g)) * s * d;
      const [qh, doh] = [qv, dyv].map((x) => x.subarray(qo, qo + t * d));
      const [kh, vh] = [kvv, vv].map((x) => x.subarray(ko, ko + s * d));
      sgemm(false, true, t, s, d, scale, qh, d, kh, d, 0, p, s);
      rowLse.set(lv.subarray((bi * h + hi) * t, (bi * h + hi + 1) * t));
      sim.k.probsFromLse(pP, pL, t, s, offset);
      sgemm(true, false, s, d, t, 1, p, s, doh, d, 1, dv.subarray(ko, ko + s * d), d);
      sgemm(false, true, t, s, d, 1, doh, d, vh, d, 0, dp, s);
      dOut.set(doh);
      o.set(ov.subarray(qo, qo + t * d));
      sim.k.attnDScores(pP, pDP, pDO, pO, t, s, d, offset);
      sgemm(false, false, t, d, s, scale, dp, s, kh, d, 0, dq.subarray(qo, qo + t * d), d);
      sgemm(true, false, s, d, t, scale, dp, s, qh, d, 1, dk.subarray(ko, ko + s * d), d);
    }
  }
  return [backend.output(q.shape, dq), backend.output(k.shape, dk), backend.output(v.shape, dv)];
};

export const attentionBlasConfigs: KernelConfig[] = [
  { kernelName: ATTENTION, backendName: 'blas', kernelFunc: forward },
  { kernelName: ATTENTION_GRAD, backendName: 'blas', kernelFunc: backward },
];
