// Causal grouped-query attention for the blas backend, per (batch, head) (parts/attention.ts):
// products on the system BLAS, softmax and its gradient in wasm SIMD.
//   forward:  S = Q K^T / sqrt(D), P = softmax over keys j <= offset + i, O = P V;
//             keeps lse = logsumexp of each score row, never P.
//   backward: P recomputed from S and lse (memory O(B H T D), as flash attention), then
//             dV += P^T dO,  dP = dO V^T,  dS = P * (dP - rowsum(dO * O)),
//             dQ = dS K / sqrt(D),  dK += dS^T Q / sqrt(D).
// Query head h reads KV head floor(h / (H / KV)) (Hugging Face's repeat_kv order), so dK and dV
// of a KV head sum over its query heads (sgemm with beta = 1), in head order. Heads are read and
// written in place in either layout: (B, H, T, D), or (B, T, H, D) through BLAS row strides.
// The BLAS runs single-threaded here: the per-head products are small (13.6 against 20 ms for a
// bench-5m layer, forward and backward, with two BLAS threads); the heads go to the thread pool.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { ATTENTION, ATTENTION_GRAD, type AttentionAttrs } from '../names';
import { attentionDims, attentionUnits } from './parts/attention';

const forward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { q, k, v } = args.inputs as Record<string, TensorInfo>;
  const { offset, layout } = args.attrs as unknown as AttentionAttrs;
  const shape = { qShape: q.shape, kShape: k.shape, layout, offset };
  const { b, h, t, d } = attentionDims(shape);
  const [qv, kv, vv] = [q, k, v].map((x) => backend.values(x) as Float32Array);
  const out = backend.allocForWrite(b * h * t * d);
  const lse = backend.allocForWrite(b * h * t);
  backend.singleThreaded(() => backend.parallel('attentionFwd', { ...shape, q: qv, k: kv, v: vv, out, lse }, attentionUnits(shape)));
  return [backend.output(q.shape, out), backend.output([b, h, t], lse)];
};

const backward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { q, k, v, out, lse, dy } = args.inputs as Record<string, TensorInfo>;
  const { offset, layout } = args.attrs as unknown as AttentionAttrs;
  const shape = { qShape: q.shape, kShape: k.shape, layout, offset };
  const [qv, kv, vv, ov, lv, dyv] = [q, k, v, out, lse, dy].map((x) => backend.values(x) as Float32Array);
  // dK and dV sum over query heads (beta = 1): they start at zero
  const [dq, dk, dv] = [backend.allocForWrite(qv.length), backend.alloc(kv.length), backend.alloc(vv.length)];
  const work = { ...shape, q: qv, k: kv, v: vv, out: ov, lse: lv, dy: dyv, dq, dk, dv };
  backend.singleThreaded(() => backend.parallel('attentionBwd', work, attentionUnits(shape)));
  return [backend.output(q.shape, dq), backend.output(k.shape, dk), backend.output(v.shape, dv)];
};

export const attentionBlasConfigs: KernelConfig[] = [
  { kernelName: ATTENTION, backendName: 'blas', kernelFunc: forward },
  { kernelName: ATTENTION_GRAD, backendName: 'blas', kernelFunc: backward },
];
