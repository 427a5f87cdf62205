// Conformance: every op's forward value and gradient against the float64 references in
// src/testing/reference64.ts, on every backend present. Gradients are checked through
// L = sum(op(x) * R) for a fixed random R, against central finite differences of the reference.
// Tolerances (float32 kernels vs float64 truth): forward atol 1e-5 + rtol 1e-4, gradients
// atol 1e-4 + rtol 1e-3 (webgpu: 3x, its exp/log are less exact on SwiftShader).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { probeBackends } from '../backend/probe';
import { backendsUnderTest } from '../../../../tooling/backends-under-test';
import {
  type Arr,
  attention64,
  crossEntropy64,
  embedding64,
  numericGrad,
  randn,
  rmsNorm64,
  rotary64,
  swigluMlp64,
  worstError,
} from '../testing/reference64';
import { causalSelfAttention } from './attention';
import { crossEntropy } from './cross-entropy';
import { tokenLosses } from './token-losses';
import { embedding } from './embedding';
import { rmsNorm } from './rms-norm';
import { applyRotary, rotaryTables } from './rotary';
import { swigluMlp } from './swiglu';

const backends = await backendsUnderTest(probeBackends);

interface Case {
  inputs: { name: string; shape: number[]; data: Arr }[];
  /** the op under test on tfjs tensors (one per input, float32) */
  run: (xs: tf.Tensor[]) => tf.Tensor;
  /** the float64 reference on flat arrays */
  ref: (xs: Arr[]) => Arr;
}

const f32 = (d: Arr, shape: number[]) => tf.tensor(Float32Array.from(d), shape, 'float32');

async function checkCase(c: Case, scale: number): Promise<void> {
  // Round inputs to float32 first so both sides see the same numbers.
  const inputs = c.inputs.map((i) => ({ ...i, data: Float64Array.from(Float32Array.from(i.data)) }));
  const want = c.ref(inputs.map((i) => i.data));
  const weights = randn(want.length, 99);
  const xs = inputs.map((i) => f32(i.data, i.shape));
  const out = c.run(xs);
  const got = await out.data();
  expect(worstError(got, want, 1e-5 * scale, 1e-4 * scale), 'forward').toBeLessThanOrEqual(1);
  const w = f32(weights, out.shape);
  const grads = tf.grads((...ts: tf.Tensor[]) => tf.sum(tf.mul(c.run(ts), w)))(xs);
  for (let k = 0; k < inputs.length; k++) {
    const numeric = numericGrad((x) => c.ref(inputs.map((i, j) => (j === k ? x : i.data))), Float64Array.from(inputs[k].data), weights);
    const analytic = await grads[k].data();
    expect(worstError(analytic, numeric, 1e-4 * scale, 1e-3 * scale), `gradient of ${inputs[k].name}`).toBeLessThanOrEqual(1);
  }
  tf.dispose([...xs, out, w, ...grads]);
}

describe.each(backends)('ops on %s', (backend) => {
  const scale = backend === 'webgpu' ? 3 : 1;
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('rmsNorm: forward and gradients of x and weight', async () => {
    const [n, c] = [6, 16];
    await checkCase(
      {
        inputs: [
          { name: 'x', shape: [2, 3, c], data: randn(n * c, 1) },
          { name: 'weight', shape: [c], data: randn(c, 2, 0.5).map((v) => v + 1) },
        ],
        run: ([x, w]) => rmsNorm(x, w, 1e-5),
        ref: ([x, w]) => rmsNorm64(x, w, c, 1e-5),
      },
      scale,
    );
  });

  it('rotary (half-split, with a KV-cache position offset): forward and gradient', async () => {
    const shape = [2, 3, 5, 8];
    const size = shape.reduce((a, b) => a * b);
    const tables = rotaryTables(5, 8, 10000, 7);
    await checkCase(
      {
        inputs: [{ name: 'x', shape, data: randn(size, 3) }],
        run: ([x]) => applyRotary(x, tables),
        ref: ([x]) => rotary64(x, shape, 10000, 7),
      },
      scale,
    );
    tf.dispose([tables.cos, tables.sin]);
  });

  it('swigluMlp: forward and gradients of x and the three weights', async () => {
    const [n, c, f] = [4, 8, 12];
    await checkCase(
      {
        inputs: [
          { name: 'x', shape: [n, c], data: randn(n * c, 4) },
          { name: 'wGate', shape: [f, c], data: randn(f * c, 5, 0.4) },
          { name: 'wUp', shape: [f, c], data: randn(f * c, 6, 0.4) },
          { name: 'wDown', shape: [c, f], data: randn(c * f, 7, 0.4) },
        ],
        run: ([x, g, u, d]) => swigluMlp(x, g, u, d),
        ref: ([x, g, u, d]) => swigluMlp64(x, g, u, d, c, f),
      },
      scale,
    );
  });

  it('causal attention with grouped-query heads (H=4, KV=2): forward and gradients of q, k, v', async () => {
    const [b, h, kv, t, d] = [2, 4, 2, 5, 8];
    await checkCase(
      {
        inputs: [
          { name: 'q', shape: [b, h, t, d], data: randn(b * h * t * d, 8) },
          { name: 'k', shape: [b, kv, t, d], data: randn(b * kv * t * d, 9) },
          { name: 'v', shape: [b, kv, t, d], data: randn(b * kv * t * d, 10) },
        ],
        run: ([q, k, v]) => causalSelfAttention(q, k, v),
        ref: ([q, k, v]) => attention64(q, k, v, [b, h, t, d], kv, t, 0),
      },
      scale,
    );
  });

  it("the (B, T, H, D) 'bthd' layout gives the same attention (GQA, KV cache) and rotary, forward and gradients", async () => {
    const [b, h, kv, t, s, d] = [2, 4, 2, 3, 5, 8];
    // x in (B, n, L, D) order -> the same numbers in (B, L, n, D) order, and back
    const toBthd = (x: Arr, n: number, len: number) => {
      const out = new Float64Array(x.length);
      for (let bi = 0; bi < b; bi++)
        for (let hi = 0; hi < n; hi++)
          for (let i = 0; i < len; i++)
            for (let c = 0; c < d; c++) out[((bi * len + i) * n + hi) * d + c] = x[((bi * n + hi) * len + i) * d + c];
      return out;
    };
    const fromBthd = (x: Arr, n: number, len: number) => {
      const out = new Float64Array(x.length);
      for (let bi = 0; bi < b; bi++)
        for (let hi = 0; hi < n; hi++)
          for (let i = 0; i < len; i++)
            for (let c = 0; c < d; c++) out[((bi * n + hi) * len + i) * d + c] = x[((bi * len + i) * n + hi) * d + c];
      return out;
    };
    await checkCase(
      {
        inputs: [
          { name: 'q', shape: [b, t, h, d], data: toBthd(randn(b * h * t * d, 31), h, t) },
          { name: 'k', shape: [b, s, kv, d], data: toBthd(randn(b * kv * s * d, 32), kv, s) },
          { name: 'v', shape: [b, s, kv, d], data: toBthd(randn(b * kv * s * d, 33), kv, s) },
        ],
        run: ([q, k, v]) => causalSelfAttention(q, k, v, { layout: 'bthd' }),
        ref: ([q, k, v]) =>
          toBthd(attention64(fromBthd(q, h, t), fromBthd(k, kv, s), fromBthd(v, kv, s), [b, h, t, d], kv, s, s - t), h, t),
      },
      scale,
    );
    const tables = rotaryTables(t, d, 10000, 2);
    await checkCase(
      {
        inputs: [{ name: 'x', shape: [b, t, h, d], data: toBthd(randn(b * h * t * d, 34), h, t) }],
        run: ([x]) => applyRotary(x, tables, { layout: 'bthd' }),
        ref: ([x]) => toBthd(rotary64(fromBthd(x, h, t), [b, h, t, d], 10000, 2), h, t),
      },
      scale,
    );
    tf.dispose([tables.cos, tables.sin]);
  });

  it('causal attention against a KV cache (3 queries after 4 cached keys)', async () => {
    const [b, h, kv, t, s, d] = [1, 2, 1, 3, 7, 4];
    await checkCase(
      {
        inputs: [
          { name: 'q', shape: [b, h, t, d], data: randn(b * h * t * d, 11) },
          { name: 'k', shape: [b, kv, s, d], data: randn(b * kv * s * d, 12) },
          { name: 'v', shape: [b, kv, s, d], data: randn(b * kv * s * d, 13) },
        ],
        run: ([q, k, v]) => causalSelfAttention(q, k, v),
        ref: ([q, k, v]) => attention64(q, k, v, [b, h, t, d], kv, s, s - t),
      },
      scale,
    );
  });

  it('crossEntropy with ignored targets: forward and gradient of the logits', async () => {
    const [n, v] = [6, 11];
    const targets = Int32Array.from([3, -100, 10, 0, 7, -100]);
    const t = tf.tensor1d(targets, 'int32');
    await checkCase(
      {
        inputs: [{ name: 'logits', shape: [2, 3, v], data: randn(n * v, 14, 2) }],
        run: ([x]) => crossEntropy(x, tf.reshape(t, [2, 3])),
        ref: ([x]) => Float64Array.of(crossEntropy64(x, targets, v, -100)),
      },
      scale,
    );
    t.dispose();
  });

  it('tokenLosses: one loss per token, 0 for ignored targets, mean equal to crossEntropy', async () => {
    const [n, v] = [6, 11];
    const targets = Int32Array.from([3, -100, 10, 0, 7, -100]);
    const x = randn(n * v, 21, 2);
    const logits = f32(x, [2, 3, v]);
    const t = tf.tensor2d(targets, [2, 3], 'int32');
    const per = tokenLosses(logits, t);
    expect(per.shape).toEqual([2, 3]);
    const got = (await per.data()) as Float32Array;
    targets.forEach((ti, i) => {
      const want =
        ti === -100 ? 0 : crossEntropy64(Float64Array.from(Float32Array.from(x.slice(i * v, (i + 1) * v))), Int32Array.of(ti), v, -100);
      expect(Math.abs(got[i] - want), `token ${i}`).toBeLessThan(1e-4 * scale);
    });
    const mean = (await crossEntropy(logits, t).data())[0];
    expect(Math.abs(mean - got.reduce((a, b) => a + b, 0) / 4)).toBeLessThan(1e-5 * scale);
    tf.dispose([logits, t, per]);
  });

  it('crossEntropy gives NaN for a target outside the vocabulary (the trainer stops on it)', async () => {
    const loss = crossEntropy(tf.zeros([2, 4]), tf.tensor1d([1, 9], 'int32'));
    expect(Number.isNaN((await loss.data())[0])).toBe(true);
  });

  it('embedding: forward and gradient of the table (repeated ids accumulate)', async () => {
    const [vocab, c] = [7, 5];
    const ids = Int32Array.from([1, 3, 3, 6, 0, 1]);
    const idt = tf.tensor2d(ids, [2, 3], 'int32');
    await checkCase(
      {
        inputs: [{ name: 'table', shape: [vocab, c], data: randn(vocab * c, 15) }],
        run: ([table]) => embedding(table, idt),
        ref: ([table]) => embedding64(table, ids, c),
      },
      scale,
    );
    idt.dispose();
  });
});
