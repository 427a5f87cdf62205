// Causal grouped-query attention for the webgpu backend, flash-style: scores are recomputed in
// each program from Q and K and never stored (no (T, S) matrix in GPU memory), the softmax
// recovered from the row log-sum-exp (see ../blas/attention.ts for the math). One invocation
// per row, a row's D accumulators in private memory (D baked into the shader):
//   forward:  lse per query row (online max and sum), then O per query row;
//   backward: delta_i = dO_i . O_i per query row; dQ per query row; dK and dV per key row, summed
//             over the key's H / KV query heads and the queries that see it.
// Query head h reads KV head floor(h / (H / KV)); heads in (B, H, T, D) or (B, T, H, D).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ATTENTION, ATTENTION_GRAD, type AttentionAttrs } from '../names';
import { rowProgram as program, run, type Uniform } from './program';

const UNIFORMS = 'rows : i32, heads : i32, kvHeads : i32, seq : i32, keys : i32, offset : i32, bthd : i32, scale : f32,';

/** Shared WGSL: where rows start, and the score of query row (b, h, i) against key j. */
const COMMON = (d: number) => `
  const D = ${d};
  fn qAt(b : i32, h : i32, i : i32) -> i32 {
    if (uniforms.bthd == 1) { return ((b * uniforms.seq + i) * uniforms.heads + h) * D; }
    return ((b * uniforms.heads + h) * uniforms.seq + i) * D;
  }
  fn kAt(b : i32, g : i32, j : i32) -> i32 {
    if (uniforms.bthd == 1) { return ((b * uniforms.keys + j) * uniforms.kvHeads + g) * D; }
    return ((b * uniforms.kvHeads + g) * uniforms.keys + j) * D;
  }
  fn kvHeadOf(h : i32) -> i32 { return h / (uniforms.heads / uniforms.kvHeads); }
  // query row r = (b, h, i) in (B, H, T) order
  fn queryRow(r : i32) -> vec3<i32> {
    let i = r % uniforms.seq;
    let bh = r / uniforms.seq;
    return vec3<i32>(bh / uniforms.heads, bh % uniforms.heads, i);
  }`;

const score = (qName: string, kName: string) => `
  fn score(qo : i32, ko : i32) -> f32 {
    var s = 0.0;
    for (var e = 0; e < D; e++) { s = s + ${qName}[qo + e] * ${kName}[ko + e]; }
    return s * uniforms.scale;
  }`;

const LSE = (d: number) => `${COMMON(d)}${score('q', 'k')}
  fn main(r : i32) {
    if (r < uniforms.rows) {
      let c = queryRow(r);
      let qo = qAt(c.x, c.y, c.z);
      let g = kvHeadOf(c.y);
      var m = -3.402823e38;
      var l = 0.0;
      for (var j = 0; j <= uniforms.offset + c.z; j++) {
        let s = score(qo, kAt(c.x, g, j));
        let mNew = max(m, s);
        l = l * exp(m - mNew) + exp(s - mNew);
        m = mNew;
      }
      setOutputAtIndex(r, m + log(l));
    }
  }`;

const OUT = (d: number) => `${COMMON(d)}${score('q', 'k')}
  fn main(r : i32) {
    if (r < uniforms.rows) {
      let c = queryRow(r);
      let qo = qAt(c.x, c.y, c.z);
      let g = kvHeadOf(c.y);
      let l = lse[r];
      var acc : array<f32, D>;
      for (var j = 0; j <= uniforms.offset + c.z; j++) {
        let ko = kAt(c.x, g, j);
        let p = exp(score(qo, ko) - l);
        for (var e = 0; e < D; e++) { acc[e] = acc[e] + p * v[ko + e]; }
      }
      for (var e = 0; e < D; e++) { setOutputAtIndex(qo + e, acc[e]); }
    }
  }`;

const DELTA = (d: number) => `${COMMON(d)}
  fn main(r : i32) {
    if (r < uniforms.rows) {
      let c = queryRow(r);
      let qo = qAt(c.x, c.y, c.z);
      var s = 0.0;
      for (var e = 0; e < D; e++) { s = s + dy[qo + e] * attnOut[qo + e]; }
      setOutputAtIndex(r, s);
    }
  }`;

// dS_ij = P_ij (dO_i . V_j - delta_i);  dQ_i = scale sum_j dS_ij K_j
const DQ = (d: number) => `${COMMON(d)}${score('q', 'k')}
  fn main(r : i32) {
    if (r < uniforms.rows) {
      let c = queryRow(r);
      let qo = qAt(c.x, c.y, c.z);
      let g = kvHeadOf(c.y);
      var acc : array<f32, D>;
      for (var j = 0; j <= uniforms.offset + c.z; j++) {
        let ko = kAt(c.x, g, j);
        let p = exp(score(qo, ko) - lse[r]);
        var dp = 0.0;
        for (var e = 0; e < D; e++) { dp = dp + dy[qo + e] * v[ko + e]; }
        let ds = p * (dp - delta[r]);
        for (var e = 0; e < D; e++) { acc[e] = acc[e] + ds * k[ko + e]; }
      }
      for (var e = 0; e < D; e++) { setOutputAtIndex(qo + e, acc[e] * uniforms.scale); }
    }
  }`;

// key row r = (b, g, j): dV_j = sum P_ij dO_i, dK_j = scale sum dS_ij Q_i, over query heads of g
// and queries i >= j - offset, in head then query order
const KEY_ROW = (d: number, body: string, finish: string) => `${COMMON(d)}${score('q', 'k')}
  fn main(r : i32) {
    if (r < uniforms.rows) {
      let j = r % uniforms.keys;
      let bg = r / uniforms.keys;
      let b = bg / uniforms.kvHeads;
      let g = bg % uniforms.kvHeads;
      let ko = kAt(b, g, j);
      let group = uniforms.heads / uniforms.kvHeads;
      var acc : array<f32, D>;
      for (var h = g * group; h < (g + 1) * group; h++) {
        for (var i = max(0, j - uniforms.offset); i < uniforms.seq; i++) {
          let qo = qAt(b, h, i);
          let row = (b * uniforms.heads + h) * uniforms.seq + i;
          let p = exp(score(qo, ko) - lse[row]);
          ${body}
        }
      }
      for (var e = 0; e < D; e++) { setOutputAtIndex(ko + e, acc[e]${finish}); }
    }
  }`;

const DV = (d: number) => KEY_ROW(d, 'for (var e = 0; e < D; e++) { acc[e] = acc[e] + p * dy[qo + e]; }', '');
const DK = (d: number) =>
  KEY_ROW(
    d,
    `var dp = 0.0;
          for (var e = 0; e < D; e++) { dp = dp + dy[qo + e] * v[ko + e]; }
          let ds = p * (dp - delta[row]);
          for (var e = 0; e < D; e++) { acc[e] = acc[e] + ds * q[qo + e]; }`,
    ' * uniforms.scale',
  );

function dims(q: TensorInfo, k: TensorInfo, { offset, layout }: AttentionAttrs) {
  const bthd = layout === 'bthd';
  const [b, h, t, d] = bthd ? [q.shape[0], q.shape[2], q.shape[1], q.shape[3]] : q.shape;
  const [kv, s] = bthd ? [k.shape[2], k.shape[1]] : [k.shape[1], k.shape[2]];
  const uniforms = (rows: number): Uniform[] => [
    ...[rows, h, kv, t, s, offset, bthd ? 1 : 0].map((x) => ({ type: 'int32' as const, data: [x] })),
    { type: 'float32', data: [1 / Math.sqrt(d)] },
  ];
  return { b, h, t, d, kv, s, uniforms, key: (name: string) => `tinylm_attention_${name}_${d}` };
}

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const { q, k, v } = inputs as Record<string, TensorInfo>;
  const { b, h, t, d, uniforms, key } = dims(q, k, attrs as unknown as AttentionAttrs);
  const rows = b * h * t;
  const lse = run(backend, program(key('lse'), [b, h, t], rows, ['q', 'k'], LSE(d), UNIFORMS), [q, k], uniforms(rows));
  const out = run(backend, program(key('out'), q.shape, rows, ['q', 'k', 'v', 'lse'], OUT(d), UNIFORMS), [q, k, v, lse], uniforms(rows));
  return [out, lse];
};

const backward: KernelFunc = ({ inputs, backend, attrs }) => {
  const { q, k, v, out, lse, dy } = inputs as Record<string, TensorInfo>;
  const { b, h, t, d, kv, s, uniforms, key } = dims(q, k, attrs as unknown as AttentionAttrs);
  const rows = b * h * t;
  const keyRows = b * kv * s;
  const delta = run(backend, program(key('delta'), [b, h, t], rows, ['dy', 'attnOut'], DELTA(d), UNIFORMS), [dy, out], uniforms(rows));
  const dq = run(
    backend,
    program(key('dq'), q.shape, rows, ['q', 'k', 'v', 'lse', 'dy', 'delta'], DQ(d), UNIFORMS),
    [q, k, v, lse, dy, delta],
    uniforms(rows),
  );
  const dk = run(
    backend,
    program(key('dk'), k.shape, keyRows, ['q', 'k', 'v', 'lse', 'dy', 'delta'], DK(d), UNIFORMS),
    [q, k, v, lse, dy, delta],
    uniforms(keyRows),
  );
  const dv = run(
    backend,
    program(key('dv'), v.shape, keyRows, ['q', 'k', 'lse', 'dy'], DV(d), UNIFORMS),
    [q, k, lse, dy],
    uniforms(keyRows),
  );
  (backend as unknown as { disposeData(id: unknown): void }).disposeData(delta.dataId);
  return [dq, dk, dv];
};

export const attentionWebGpuConfigs: KernelConfig[] = [
  { kernelName: ATTENTION, backendName: 'webgpu', kernelFunc: forward },
  { kernelName: ATTENTION_GRAD, backendName: 'webgpu', kernelFunc: backward },
];
