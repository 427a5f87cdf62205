// Per-kernel conformance of the compiled WebGPU step's programs against float64 references, at
// shapes that cross the tiling edges (sizes that are not multiples of the 64-row / 64 x 64 / 16-deep
// tiles, grouped-query attention, a K shorter than one depth tile). Each test records a few
// dispatches in a StepGraph, replays them in one compute pass, reads the outputs back and compares
// them with plain float64 loops written from the formulas (reference64.ts where it has them, small
// helpers below where it does not; the gradient helpers are checked against finite differences).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gate } from '../../../../tooling/test-env';
import { initBackend } from '../backend/init';
import { probeBackend } from '../backend/probe';
import {
  type Arr,
  attention64,
  crossEntropy64,
  embedding64,
  numericGrad,
  randn,
  rmsNorm64,
  rng,
  rotary64,
  worstError,
} from '../testing/reference64';
import { attentionForward, attentionGradKV, attentionGradQ, type AttentionShape } from './attention';
import { embeddingGather, embeddingScatter, rotary, swigluBackward, swigluForward } from './elementwise';
import { type Slice, StepGraph } from './graph';
import { matmul, type MatmulMode } from './matmul';
import { adamwArena, gradNorm, lossSum, SUMSQ_SPAN, sumSquaresPartial } from './optimizer';
import { crossEntropyRows, rmsNormForward, rmsNormGradWeight, rmsNormGradX } from './rows';
import type { Kernel } from './wgsl';

const webgpu = await probeBackend('webgpu');

const MAP_READ = 0x01; // GPUMapMode.READ and GPUBufferUsage.MAP_READ
const COPY_DST = 0x08; // GPUBufferUsage.COPY_DST

type F32 = Float32Array<ArrayBuffer>;
type I32 = Int32Array<ArrayBuffer>;

/** float32 inputs from a float64 normal sample (the references then read the rounded values). */
const randf = (n: number, seed: number, scale = 1): F32 => Float32Array.from(randn(n, seed, scale));
/** The float32 values, exactly, for the references that take float64 arrays. */
const f64 = (x: ArrayLike<number>): Arr => Float64Array.from(x);

/** One StepGraph with its inputs written and its outputs read back through one MAP_READ staging buffer. */
class Bench {
  readonly graph: StepGraph;
  private readonly lengths = new WeakMap<Slice, number>();

  constructor(readonly device: GPUDevice) {
    this.graph = new StepGraph(device);
  }

  /** A buffer holding `data`. */
  input(label: string, data: F32 | I32): Slice {
    const s = this.graph.buffer(label, data.byteLength);
    this.device.queue.writeBuffer(s.buffer, s.offset, data);
    this.lengths.set(s, data.length);
    return s;
  }

  /** A zeroed buffer of `n` floats. */
  output(label: string, n: number): Slice {
    const s = this.graph.buffer(label, n * 4);
    this.lengths.set(s, n);
    return s;
  }

  dispatch(k: Kernel, bind: Record<string, Slice>): void {
    this.graph.dispatch(k, bind);
  }

  /** Encodes every recorded dispatch and the readback copies into one encoder, submits, maps. */
  async run<K extends string>(outputs: Record<K, Slice>): Promise<Record<K, Float32Array>> {
    const entries = Object.entries(outputs) as [K, Slice][];
    const total = entries.reduce((a, [, s]) => a + s.size, 0);
    const staging = this.device.createBuffer({ label: 'readback', size: total, usage: MAP_READ | COPY_DST });
    try {
      const encoder = this.device.createCommandEncoder();
      this.graph.encode(encoder);
      let at = 0;
      for (const [, s] of entries) {
        encoder.copyBufferToBuffer(s.buffer, s.offset, staging, at, s.size);
        at += s.size;
      }
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MAP_READ);
      const all = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      const out = {} as Record<K, Float32Array>;
      at = 0;
      for (const [name, s] of entries) {
        out[name] = all.slice(at / 4, at / 4 + (this.lengths.get(s) ?? s.size / 4));
        at += s.size;
      }
      return out;
    } finally {
      staging.destroy();
    }
  }
}

/** Worst error in units of the tolerance (<= 1 passes), with the name in the failure message. */
function expectClose(name: string, got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): void {
  expect(worstError(got, want, atol, rtol), `${name} (worst error in units of atol ${atol} + rtol ${rtol} |ref|)`).toBeLessThanOrEqual(1);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

// ---- float64 references not in reference64.ts ----

/** C (M, N) = op(A) op(B) with A(i, p) = transA ? a[p M + i] : a[i K + p], B(p, j) = transB ? b[j K + p] : b[p N + j]. */
function matmul64(a: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number, k: number, transA: boolean, transB: boolean): Arr {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      out[i * n + j] = s;
    }
  }
  return out;
}

/** Heads c0 / D .. c0 / D + count - 1 of a (B*T, width) matrix, as (B, count, T, D). */
function toHeads(x: ArrayLike<number>, [b, t, d]: number[], width: number, c0: number, count: number): Arr {
  const out = new Float64Array(b * count * t * d);
  for (let bi = 0; bi < b; bi++) {
    for (let h = 0; h < count; h++) {
      for (let i = 0; i < t; i++) {
        for (let e = 0; e < d; e++) out[((bi * count + h) * t + i) * d + e] = x[(bi * t + i) * width + c0 + h * d + e];
      }
    }
  }
  return out;
}

interface AttentionGrads {
  lse: Arr; // (B, H, T)
  delta: Arr; // (B, H, T): sum_j P_ij dP_ij
  dq: Arr; // (B, H, T, D)
  dk: Arr; // (B, KV, T, D)
  dv: Arr; // (B, KV, T, D)
}

/**
 * Causal GQA attention backward from the softmax Jacobian: S = scale Q K^T (j <= i), P = softmax(S),
 * O = P V; dV = P^T dO, dP = dO V^T, dS_ij = P_ij (dP_ij - sum_k P_ik dP_ik), dQ = scale dS K,
 * dK = scale dS^T Q (summed over the query heads sharing a KV head). q (B, H, T, D), k/v (B, KV, T, D).
 */
function attentionBackward64(q: Arr, k: Arr, v: Arr, dO: Arr, [b, h, t, d]: number[], kv: number): AttentionGrads {
  const scale = 1 / Math.sqrt(d);
  const r: AttentionGrads = {
    lse: new Float64Array(b * h * t),
    delta: new Float64Array(b * h * t),
    dq: new Float64Array(q.length),
    dk: new Float64Array(k.length),
    dv: new Float64Array(v.length),
  };
  const s = new Float64Array(t);
  const dp = new Float64Array(t);
  for (let bi = 0; bi < b; bi++) {
    for (let hi = 0; hi < h; hi++) {
      const g = Math.floor(hi / (h / kv));
      for (let i = 0; i < t; i++) {
        const qo = ((bi * h + hi) * t + i) * d;
        let max = -Infinity;
        for (let j = 0; j <= i; j++) {
          const ko = ((bi * kv + g) * t + j) * d;
          let sc = 0;
          let gv = 0;
          for (let e = 0; e < d; e++) {
            sc += q[qo + e] * k[ko + e];
            gv += dO[qo + e] * v[ko + e];
          }
          s[j] = sc * scale;
          dp[j] = gv;
          max = Math.max(max, s[j]);
        }
        let z = 0;
        for (let j = 0; j <= i; j++) z += Math.exp(s[j] - max);
        const lse = max + Math.log(z);
        let rowDot = 0;
        for (let j = 0; j <= i; j++) rowDot += Math.exp(s[j] - lse) * dp[j];
        r.lse[(bi * h + hi) * t + i] = lse;
        r.delta[(bi * h + hi) * t + i] = rowDot;
        for (let j = 0; j <= i; j++) {
          const ko = ((bi * kv + g) * t + j) * d;
          const p = Math.exp(s[j] - lse);
          const ds = p * (dp[j] - rowDot);
          for (let e = 0; e < d; e++) {
            r.dq[qo + e] += scale * ds * k[ko + e];
            r.dk[ko + e] += scale * ds * q[qo + e];
            r.dv[ko + e] += p * dO[qo + e];
          }
        }
      }
    }
  }
  return r;
}

/** RMSNorm backward: y = x r w, r = (mean(x^2) + eps)^-1/2, dr/dx_k = -r^3 x_k / C. Returns dx (N, C), dw (C), rstd (N). */
function rmsNormBackward64(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  dy: ArrayLike<number>,
  c: number,
  eps: number,
): { dx: Arr; dw: Arr; rstd: Arr } {
  const rows = x.length / c;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(c);
  const rstd = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let ss = 0;
    for (let j = 0; j < c; j++) ss += x[i * c + j] ** 2;
    const r = 1 / Math.sqrt(ss / c + eps);
    rstd[i] = r;
    let wdx = 0;
    for (let j = 0; j < c; j++) wdx += w[j] * dy[i * c + j] * x[i * c + j];
    for (let j = 0; j < c; j++) {
      const o = i * c + j;
      dx[o] = r * w[j] * dy[o] - ((r ** 3 * x[o]) / c) * wdx;
      dw[j] += dy[o] * x[o] * r;
    }
  }
  return { dx, dw, rstd };
}

/** h = silu(g) u and its gradient (dg | du) from gu (N, 2F) = (g | u); silu'(g) = sig(g) (1 + g (1 - sig(g))). */
function swiglu64(gu: ArrayLike<number>, dh: ArrayLike<number>, f: number): { h: Arr; dgu: Arr } {
  const rows = gu.length / (2 * f);
  const h = new Float64Array(rows * f);
  const dgu = new Float64Array(gu.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < f; j++) {
      const g = gu[i * 2 * f + j];
      const u = gu[i * 2 * f + f + j];
      const sig = 1 / (1 + Math.exp(-g));
      h[i * f + j] = g * sig * u;
      dgu[i * 2 * f + j] = dh[i * f + j] * u * sig * (1 + g * (1 - sig));
      dgu[i * 2 * f + f + j] = dh[i * f + j] * g * sig;
    }
  }
  return { h, dgu };
}

/** Per-row loss lse(z) - z[t] and gradient (softmax(z) - onehot(t)) scale; rows with t < 0 give 0 and 0. */
function crossEntropyRows64(z: ArrayLike<number>, targets: Int32Array, v: number, scale: number): { loss: Arr; dz: Arr } {
  const loss = new Float64Array(targets.length);
  const dz = new Float64Array(z.length);
  targets.forEach((t, i) => {
    if (t < 0) return;
    let max = -Infinity;
    for (let j = 0; j < v; j++) max = Math.max(max, z[i * v + j]);
    let s = 0;
    for (let j = 0; j < v; j++) s += Math.exp(z[i * v + j] - max);
    const lse = max + Math.log(s);
    loss[i] = lse - z[i * v + t];
    for (let j = 0; j < v; j++) dz[i * v + j] = (Math.exp(z[i * v + j] - lse) - (j === t ? 1 : 0)) * scale;
  });
  return { loss, dz };
}

/**
 * The int32 micro-batch buffer as embeddingScatter and crossEntropyRows document it (rows = R):
 * ids [0, R), targets [R, 2R), distinct ids in increasing order [2R, 3R), where each id's positions
 * start [3R, 4R + 1), the positions grouped by id [4R + 1, 5R + 1), the distinct count at 5R + 1,
 * the loss scale 1 / valid targets (f32 bits) at 5R + 2.
 */
function batchBuffer(
  ids: Int32Array,
  targets: Int32Array,
): { batch: I32; targetsAt: number; scatterAt: number; scaleAt: number; scale: number } {
  const rows = ids.length;
  const out = new Int32Array(5 * rows + 3);
  out.set(ids, 0);
  out.set(targets, rows);
  const distinct = [...new Set(ids)].sort((a, b) => a - b);
  let next = 0;
  distinct.forEach((id, u) => {
    out[2 * rows + u] = id;
    out[3 * rows + u] = next;
    ids.forEach((x, r) => {
      if (x === id) out[4 * rows + 1 + next++] = r;
    });
  });
  out[3 * rows + distinct.length] = next;
  out[5 * rows + 1] = distinct.length;
  const scale = Math.fround(1 / targets.filter((t) => t >= 0).length);
  new Float32Array(out.buffer, (5 * rows + 2) * 4, 1)[0] = scale;
  return { batch: out, targetsAt: rows, scatterAt: 2 * rows, scaleAt: 5 * rows + 2, scale };
}

interface AdamWStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

/** torch.optim.AdamW, one step at `step` on g = grad clip, decay only on entries before decayEnd. */
function adamw64(
  p0: ArrayLike<number>,
  grad: ArrayLike<number>,
  m0: ArrayLike<number>,
  v0: ArrayLike<number>,
  clip: number,
  decayEnd: number,
  o: AdamWStep,
) {
  const n = p0.length;
  const [p, m, v] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const bc1 = 1 - o.beta1 ** o.step;
  const bc2 = 1 - o.beta2 ** o.step;
  for (let i = 0; i < n; i++) {
    const g = grad[i] * clip;
    const decayed = i < decayEnd ? p0[i] * (1 - o.lr * o.weightDecay) : p0[i];
    m[i] = o.beta1 * m0[i] + (1 - o.beta1) * g;
    v[i] = o.beta2 * v0[i] + (1 - o.beta2) * g * g;
    const mHat = m[i] / bc1;
    const vHat = v[i] / bc2;
    p[i] = decayed - (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
  }
  return { p, m, v };
}

describe.runIf(gate('webgpu', webgpu.available, webgpu.reason))('webgpu step kernels against float64', () => {
  let device: GPUDevice;

  beforeAll(async () => {
    await initBackend({ backend: 'webgpu' });
    device = (tf.backend() as unknown as { device: GPUDevice }).device;
  });

  async function withBench(fn: (bench: Bench) => Promise<void>): Promise<void> {
    const bench = new Bench(device);
    try {
      await fn(bench);
    } finally {
      bench.graph.destroy();
    }
  }

  it('the gradient references agree with central differences', () => {
    // attention (tiny GQA shape): d/d(q, k, v) of sum(O * w)
    const [b, h, kv, t, d] = [1, 2, 1, 5, 4];
    const q = randn(b * h * t * d, 1);
    const k = randn(b * kv * t * d, 2);
    const v = randn(b * kv * t * d, 3);
    const w = randn(b * h * t * d, 4);
    const ref = attentionBackward64(q, k, v, w, [b, h, t, d], kv);
    const shape = [b, h, t, d];
    expectClose(
      'attention dq',
      ref.dq,
      numericGrad((x) => attention64(x, k, v, shape, kv, t, 0), q, w),
      1e-7,
      1e-6,
    );
    expectClose(
      'attention dk',
      ref.dk,
      numericGrad((x) => attention64(q, x, v, shape, kv, t, 0), k, w),
      1e-7,
      1e-6,
    );
    expectClose(
      'attention dv',
      ref.dv,
      numericGrad((x) => attention64(q, k, x, shape, kv, t, 0), v, w),
      1e-7,
      1e-6,
    );
    // RMSNorm, two rows of 12
    const x = randn(24, 5);
    const nw = randn(12, 6);
    const dy = randn(24, 7);
    const rn = rmsNormBackward64(x, nw, dy, 12, 1e-5);
    expectClose(
      'rmsnorm dx',
      rn.dx,
      numericGrad((xx) => rmsNorm64(xx, nw, 12, 1e-5), x, dy),
      1e-7,
      1e-6,
    );
    expectClose(
      'rmsnorm dw',
      rn.dw,
      numericGrad((ww) => rmsNorm64(x, ww, 12, 1e-5), nw, dy),
      1e-7,
      1e-6,
    );
    // SwiGLU, two rows of 3
    const gu = randn(12, 8, 2);
    const dh = randn(6, 9);
    expectClose(
      'swiglu dgu',
      swiglu64(gu, dh, 3).dgu,
      numericGrad((g) => swiglu64(g, dh, 3).h, gu, dh),
      1e-7,
      1e-6,
    );
    // cross-entropy: the rows' gradient at scale 1 / kept is d(mean loss)/dz
    const z = randn(3 * 7, 10, 2);
    const targets = new Int32Array([2, -100, 6]);
    const ce = crossEntropyRows64(z, targets, 7, 1 / 2);
    const one = new Float64Array(1).fill(1);
    expectClose(
      'cross-entropy dz',
      ce.dz,
      numericGrad((zz) => new Float64Array([crossEntropy64(zz, targets, 7, -100)]), z, one),
      1e-7,
      1e-6,
    );
    expect(ce.loss.reduce((a, l) => a + l, 0) / 2).toBeCloseTo(crossEntropy64(z, targets, 7, -100), 12);
  });

  // Products of N(0, 1) entries summed over K in float32: each rounding is at most 2^-24 of a
  // partial sum of size ~sqrt(K), so the error of one entry is ~sqrt(K) 2^-24 sqrt(K) ~ 3e-6 at
  // K = 45 (worst case K 2^-24 sum|a b| ~ 8e-5). atol 1e-5 + rtol 1e-4 |c| sits above the expected
  // rounding and four orders of magnitude below what a wrong index or a missed tile gives.
  const shapes: [number, number, number][] = [
    [70, 33, 45], // no dimension a multiple of 64 or 16
    [33, 70, 7], // K shorter than one 16-deep tile
    [130, 129, 40], // three 64-tiles in M and N
  ];
  const configs: [boolean, boolean, MatmulMode][] = [
    [false, true, 'store'],
    [false, true, 'addend'],
    [false, false, 'store'],
    [true, false, 'accumulate'],
  ];
  for (const [transA, transB, mode] of configs) {
    it(`matmul transA ${transA} transB ${transB} ${mode}`, async () => {
      await withBench(async (bench) => {
        const cases = shapes.map(([m, n, k], i) => {
          const a = randf(m * k, 100 + i);
          const b = randf(k * n, 200 + i);
          const d0 = randf(m * n, 300 + i);
          const bind: Record<string, Slice> = { a: bench.input(`a${i}`, a), b: bench.input(`b${i}`, b) };
          if (mode === 'addend') bind.addend = bench.input(`addend${i}`, d0);
          bind.dst = mode === 'accumulate' ? bench.input(`dst${i}`, d0) : bench.input(`dst${i}`, new Float32Array(m * n).fill(7));
          bench.dispatch(matmul({ m, n, k, transA, transB, mode }), bind);
          const ab = matmul64(a, b, m, n, k, transA, transB);
          const want = mode === 'store' ? ab : ab.map((x, o) => x + d0[o]);
          return { name: `${m}x${n}x${k}`, dst: bind.dst, want };
        });
        const got = await bench.run(Object.fromEntries(cases.map((c) => [c.name, c.dst])));
        for (const c of cases) expectClose(`matmul ${c.name}`, got[c.name], c.want, 1e-5, 1e-4);
      });
    });
  }

  const attentionShapes: AttentionShape[] = [
    { batch: 2, seq: 70, heads: 4, kvHeads: 2, headDim: 32 }, // GQA, T not a multiple of the 64-row block
    { batch: 1, seq: 65, heads: 2, kvHeads: 1, headDim: 64 }, // a last block of one row
    { batch: 1, seq: 20, heads: 2, kvHeads: 2, headDim: 128 }, // an 8-key staged tile
  ];
  for (const s of attentionShapes) {
    const { batch: b, seq: t, heads: h, kvHeads: kv, headDim: d } = s;
    it(`attention forward and backward B${b} T${t} H${h}/${kv} D${d}`, async () => {
      const width = (h + 2 * kv) * d;
      const qkv = randf(b * t * width, 11 + d);
      const dOut = randf(b * t * h * d, 12 + d);
      const q = toHeads(qkv, [b, t, d], width, 0, h);
      const k = toHeads(qkv, [b, t, d], width, h * d, kv);
      const v = toHeads(qkv, [b, t, d], width, (h + kv) * d, kv);
      const want = attentionBackward64(q, k, v, toHeads(dOut, [b, t, d], h * d, 0, h), [b, h, t, d], kv);
      await withBench(async (bench) => {
        const bind = {
          qkv: bench.input('qkv', qkv),
          dOut: bench.input('dOut', dOut),
          att: bench.output('att', b * t * h * d),
          lse: bench.output('lse', b * h * t),
          delta: bench.output('delta', b * h * t),
          dqkv: bench.input('dqkv', new Float32Array(b * t * width).fill(7)),
        };
        bench.dispatch(attentionForward(s), { qkv: bind.qkv, att: bind.att, lse: bind.lse });
        bench.dispatch(attentionGradQ(s), {
          qkv: bind.qkv,
          attnOut: bind.att,
          dOut: bind.dOut,
          lse: bind.lse,
          delta: bind.delta,
          dqkv: bind.dqkv,
        });
        bench.dispatch(attentionGradKV(s), { qkv: bind.qkv, dOut: bind.dOut, lse: bind.lse, delta: bind.delta, dqkv: bind.dqkv });
        const got = await bench.run({ att: bind.att, lse: bind.lse, delta: bind.delta, dqkv: bind.dqkv });
        // float32 dot products over D <= 128 and sums over <= 140 keys or queries of O(1) terms:
        // rounding near 1e-7 .. 1e-6 (SwiftShader: under a tenth of these tolerances); 1e-5 + 1e-4 |ref|
        // leaves room for a GPU's less exact exp / log and the online rescaling.
        expectClose('attention output', toHeads(got.att, [b, t, d], h * d, 0, h), attention64(q, k, v, [b, h, t, d], kv, t, 0), 1e-5, 1e-4);
        expectClose('attention lse', got.lse, want.lse, 1e-5, 1e-5);
        expectClose('attention delta', got.delta, want.delta, 1e-5, 1e-4);
        expectClose('attention dq', toHeads(got.dqkv, [b, t, d], width, 0, h), want.dq, 1e-5, 1e-4);
        expectClose('attention dk', toHeads(got.dqkv, [b, t, d], width, h * d, kv), want.dk, 1e-5, 1e-4);
        expectClose('attention dv', toHeads(got.dqkv, [b, t, d], width, (h + kv) * d, kv), want.dv, 1e-5, 1e-4);
      });
    });
  }

  it('rotary forward against rotary64, backward as its transpose and inverse', async () => {
    const [b, t, h, kv, d] = [2, 7, 3, 1, 16];
    const width = (h + 2 * kv) * d;
    const theta = 10000;
    // the tables as rotaryTables builds them: float32 inverse frequency and angle, cat(freqs, freqs)
    const cosT = new Float32Array(t * d);
    const sinT = new Float32Array(t * d);
    for (let p = 0; p < t; p++) {
      for (let i = 0; i < d / 2; i++) {
        const angle = Math.fround(p * Math.fround(1 / theta ** ((2 * i) / d)));
        cosT[p * d + i] = cosT[p * d + i + d / 2] = Math.cos(angle);
        sinT[p * d + i] = sinT[p * d + i + d / 2] = Math.sin(angle);
      }
    }
    const x = randf(b * t * width, 21);
    const g = randf(b * t * width, 22);
    const shape = { rows: b * t, seq: t, heads: h, kvHeads: kv, headDim: d };
    await withBench(async (bench) => {
      const tables = { cosT: bench.input('cos', cosT), sinT: bench.input('sin', sinT) };
      const fwd = bench.input('fwd', x);
      const both = bench.input('both', x);
      const bwd = bench.input('bwd', g);
      bench.dispatch(rotary(shape, false), { qkv: fwd, ...tables });
      bench.dispatch(rotary(shape, false), { qkv: both, ...tables });
      bench.dispatch(rotary(shape, true), { qkv: both, ...tables });
      bench.dispatch(rotary(shape, true), { qkv: bwd, ...tables });
      const got = await bench.run({ fwd, both, bwd });
      // queries and keys rotated by position row % T (angles here float32, in rotary64 float64: ~1e-6 apart)
      const rotatedHeads = toHeads(got.fwd, [b, t, d], width, 0, h + kv);
      expectClose(
        'rotary forward',
        rotatedHeads,
        rotary64(toHeads(x, [b, t, d], width, 0, h + kv), [b, h + kv, t, d], theta, 0),
        1e-5,
        1e-5,
      );
      expect(toHeads(got.fwd, [b, t, d], width, (h + kv) * d, kv), 'values untouched').toEqual(
        toHeads(x, [b, t, d], width, (h + kv) * d, kv),
      );
      // <R x, g> = <x, R^T g>
      const lhs = dot(got.fwd, g);
      const rhs = dot(x, got.bwd);
      expect(Math.abs(rhs)).toBeGreaterThan(1);
      expect(Math.abs(lhs - rhs) / Math.abs(rhs), `<Rx, g> = ${lhs}, <x, R^T g> = ${rhs}`).toBeLessThan(1e-4);
      expectClose('rotary backward after forward', got.both, x, 1e-5, 1e-5);
    });
  });

  it('rmsnorm forward, dx (store and accumulate) and dw (accumulate)', async () => {
    const [rows, cols, eps] = [37, 200, 1e-5];
    const x = randf(rows * cols, 31);
    const w = Float32Array.from(randn(cols, 32, 0.2), (e) => 1 + e);
    const dy = randf(rows * cols, 33);
    const dx0 = randf(rows * cols, 34);
    const dw0 = randf(cols, 35);
    const want = rmsNormBackward64(x, w, dy, cols, eps);
    await withBench(async (bench) => {
      const xs = bench.input('x', x);
      const ws = bench.input('w', w);
      const dys = bench.input('dy', dy);
      const y = bench.output('y', rows * cols);
      const rstd = bench.output('rstd', rows);
      const dxStore = bench.input('dxStore', new Float32Array(rows * cols).fill(7));
      const dxAcc = bench.input('dxAcc', dx0);
      const dw = bench.input('dw', dw0);
      bench.dispatch(rmsNormForward(rows, cols, eps), { x: xs, weight: ws, y, rstd });
      bench.dispatch(rmsNormGradX(rows, cols, false), { x: xs, weight: ws, rstd, dy: dys, dx: dxStore });
      bench.dispatch(rmsNormGradX(rows, cols, true), { x: xs, weight: ws, rstd, dy: dys, dx: dxAcc });
      bench.dispatch(rmsNormGradWeight(rows, cols), { x: xs, rstd, dy: dys, dw });
      const got = await bench.run({ y, rstd, dxStore, dxAcc, dw });
      // sums of 200 (rows) or 37 (dw) float32 terms of O(1): rounding ~1e-6
      expectClose('rmsnorm y', got.y, rmsNorm64(f64(x), f64(w), cols, eps), 1e-5, 1e-4);
      expectClose('rmsnorm rstd', got.rstd, want.rstd, 1e-6, 1e-5);
      expectClose('rmsnorm dx store', got.dxStore, want.dx, 1e-5, 1e-4);
      expectClose(
        'rmsnorm dx accumulate',
        got.dxAcc,
        want.dx.map((e, i) => e + dx0[i]),
        1e-5,
        1e-4,
      );
      expectClose(
        'rmsnorm dw',
        got.dw,
        want.dw.map((e, i) => e + dw0[i]),
        1e-5,
        1e-4,
      );
    });
  });

  it('swiglu forward and backward', async () => {
    const [rows, ffn] = [9, 70];
    const gu = randf(rows * 2 * ffn, 41, 2);
    const dh = randf(rows * ffn, 42);
    const want = swiglu64(gu, dh, ffn);
    await withBench(async (bench) => {
      const gus = bench.input('gu', gu);
      const h = bench.output('h', rows * ffn);
      const dgu = bench.input('dgu', new Float32Array(rows * 2 * ffn).fill(7));
      bench.dispatch(swigluForward(rows, ffn), { gu: gus, h });
      bench.dispatch(swigluBackward(rows, ffn), { gu: gus, dh: bench.input('dh', dh), dgu });
      const got = await bench.run({ h, dgu });
      // a few float32 operations and one exp per entry
      expectClose('swiglu h', got.h, want.h, 1e-6, 1e-5);
      expectClose('swiglu dgu', got.dgu, want.dgu, 1e-6, 1e-5);
    });
  });

  it('cross-entropy rows (with an ignored -100 row) and the loss sum', async () => {
    const [rows, vocab] = [10, 300];
    const z = randf(rows * vocab, 51, 3);
    const r = rng(52);
    const targets = Int32Array.from({ length: rows }, (_, i) => (i === 3 ? -100 : Math.floor(r() * vocab)));
    const { batch, targetsAt, scaleAt, scale } = batchBuffer(new Int32Array(rows), targets);
    const want = crossEntropyRows64(z, targets, vocab, scale);
    await withBench(async (bench) => {
      const logits = bench.input('logits', z);
      const rowLoss = bench.input('rowLoss', new Float32Array(rows).fill(7));
      const stats = bench.input('stats', new Float32Array([0.5, 0, 0, 0]));
      const batchBuf = bench.input('batch', batch);
      bench.dispatch(crossEntropyRows(rows, vocab, targetsAt, scaleAt), { logits, batch: batchBuf, rowLoss });
      bench.dispatch(lossSum(rows, scaleAt), { rowLoss, batch: batchBuf, stats });
      const got = await bench.run({ logits, rowLoss, stats });
      // a 300-term exp sum per row; losses are O(5), gradients O(scale)
      expectClose('cross-entropy row loss', got.rowLoss, want.loss, 1e-5, 1e-5);
      expect(got.rowLoss[3], 'ignored row loss').toBe(0);
      expectClose('cross-entropy gradient', got.logits, want.dz, 1e-7, 1e-4);
      expect(Array.from(got.logits.subarray(3 * vocab, 4 * vocab)), 'ignored row gradient').toEqual(new Array(vocab).fill(0));
      expectClose('loss sum', [got.stats[0]], [0.5 + crossEntropy64(f64(z), targets, vocab, -100)], 1e-5, 1e-5);
    });
  });

  it('embedding gather and scatter with repeated ids', async () => {
    const [rows, cols, vocab] = [50, 70, 40];
    const r = rng(61);
    // ~25 distinct ids of 40, most repeated, and the table's last row
    const ids = Int32Array.from({ length: rows }, (_, i) => (i === 17 ? vocab - 1 : Math.floor(r() * 25)));
    const { batch, scatterAt } = batchBuffer(ids, new Int32Array(rows));
    const table = randf(vocab * cols, 62);
    const dx = randf(rows * cols, 63);
    const dtable0 = randf(vocab * cols, 64);
    const wantTable = Float64Array.from(dtable0);
    ids.forEach((id, i) => {
      for (let c = 0; c < cols; c++) wantTable[id * cols + c] += dx[i * cols + c];
    });
    await withBench(async (bench) => {
      const batchBuf = bench.input('batch', batch);
      const x = bench.input('x', new Float32Array(rows * cols).fill(7));
      const dtable = bench.input('dtable', dtable0);
      bench.dispatch(embeddingGather(rows, cols), { table: bench.input('table', table), batch: batchBuf, x });
      bench.dispatch(embeddingScatter(rows, cols, scatterAt), { dx: bench.input('dx', dx), batch: batchBuf, dtable });
      const got = await bench.run({ x, dtable });
      expect(Array.from(got.x), 'gather is a copy').toEqual(Array.from(embedding64(f64(table), ids, cols)));
      expectClose('embedding scatter', got.dtable, wantTable, 1e-5, 1e-5);
    });
  });

  it('sum of squares, grad norm and clip factor, non-finite loss', async () => {
    const n1 = 3 * SUMSQ_SPAN + 17; // four partials, the last one 17 entries
    const n2 = 100; // a second arena's partial at offset 4
    const g1 = randf(n1, 71);
    const g2 = randf(n2, 72);
    const want = [0, 1, 2, 3].map((w) =>
      dot(g1.subarray(w * SUMSQ_SPAN, (w + 1) * SUMSQ_SPAN), g1.subarray(w * SUMSQ_SPAN, (w + 1) * SUMSQ_SPAN)),
    );
    want.push(dot(g2, g2));
    const total = want.reduce((a, e) => a + e, 0);
    const norm = Math.sqrt(total);
    await withBench(async (bench) => {
      const partials = bench.input('partials', new Float32Array(5).fill(1e6));
      bench.dispatch(sumSquaresPartial(n1, 0), { grads: bench.input('g1', g1), partials });
      bench.dispatch(sumSquaresPartial(n2, 4), { grads: bench.input('g2', g2), partials });
      const runs = { finite: [2.5, 1], nan: [NaN, 1], loose: [2.5, 1000] } as const;
      const out: Record<string, Slice> = { partials };
      for (const [name, [loss, clip]] of Object.entries(runs)) {
        out[`${name} stats`] = bench.input(`${name} stats`, new Float32Array([loss, 0, 0, 0]));
        out[`${name} state`] = bench.output(`${name} state`, 1);
        bench.dispatch(gradNorm(5, clip), { partials, stats: out[`${name} stats`], state: out[`${name} state`] });
      }
      const got = await bench.run(out);
      // float32 sums of 16,384 squares (64 in sequence per invocation, then a tree): ~1e-6 relative
      expectClose('partials', got.partials, want, 0, 1e-5);
      for (const [name, [loss, clip]] of Object.entries(runs)) {
        const stats = got[`${name} stats`];
        expect(stats[0], `${name} loss kept`).toBe(Math.fround(loss));
        expectClose(
          `${name} sum of squares, norm, clip factor`,
          stats.subarray(1),
          [total, norm, Math.min(1, clip / (norm + 1e-6))],
          0,
          1e-5,
        );
        expect(got[`${name} state`][0], `${name} state`).toBe(Number.isNaN(loss) ? 1 : 0);
      }
      expect(got['loose stats'][3]).toBe(1);
      expect(got['finite stats'][3]).toBeLessThan(0.01);
    });
  });

  it('adamw on an arena against torch.optim.AdamW, and no update once state is set', async () => {
    const [n, decayEnd] = [1000, 613];
    const o: AdamWStep = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step: 3 };
    const clip = 0.5;
    const p0 = randf(n, 81);
    const g = randf(n, 82, 0.5);
    const m0 = randf(n, 83, 0.1);
    const v0 = Float32Array.from(randn(n, 84, 0.01), (e) => e * e);
    const hyper = new Float32Array([o.lr / (1 - o.beta1 ** o.step), Math.sqrt(1 - o.beta2 ** o.step), 1 - o.lr * o.weightDecay]);
    const want = adamw64(p0, g, m0, v0, clip, decayEnd, o);
    await withBench(async (bench) => {
      const k = adamwArena(n, decayEnd, o);
      const shared = {
        grads: bench.input('grads', g),
        stats: bench.input('stats', new Float32Array([2.5, 0, 0, clip])),
        hyper: bench.input('hyper', hyper),
      };
      const live = { param: bench.input('param', p0), m: bench.input('m', m0), v: bench.input('v', v0) };
      const held = { param: bench.input('param held', p0), m: bench.input('m held', m0), v: bench.input('v held', v0) };
      bench.dispatch(k, { ...live, ...shared, state: bench.input('state', new Float32Array([0])) });
      bench.dispatch(k, { ...held, ...shared, state: bench.input('state held', new Float32Array([1])) });
      const got = await bench.run({ p: live.param, m: live.m, v: live.v, pHeld: held.param, mHeld: held.m, vHeld: held.v });
      // a handful of float32 operations per entry; the update itself is ~lr
      expectClose('adamw param', got.p, want.p, 1e-6, 1e-5);
      expectClose('adamw m', got.m, want.m, 1e-7, 1e-5);
      expectClose('adamw v', got.v, want.v, 1e-9, 1e-5);
      expect(Array.from(got.pHeld), 'param held').toEqual(Array.from(p0));
      expect(Array.from(got.mHeld), 'm held').toEqual(Array.from(m0));
      expect(Array.from(got.vHeld), 'v held').toEqual(Array.from(v0));
    });
  });
});
