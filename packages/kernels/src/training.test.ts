// A small LLaMA-shaped network trained for several steps on every backend: the loss goes down,
// and no tensor leaks from one step to the next (tf.memory().numTensors stays flat).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend/init';
import { probeBackends } from './backend/probe';
import { causalSelfAttention } from './ops/attention';
import { crossEntropy } from './ops/cross-entropy';
import { embedding } from './ops/embedding';
import { rmsNorm } from './ops/rms-norm';
import { applyRotary, rotaryTables } from './ops/rotary';
import { swigluMlp } from './ops/swiglu';
import { AdamW } from './optim/adamw';
import { clipGradNorm } from './optim/clip-grad-norm';
import { backendsUnderTest } from '../../../tooling/backends-under-test';

const backends = await backendsUnderTest(probeBackends);
const [V, C, H, KV, F, B, T] = [32, 16, 4, 2, 24, 2, 8];
const D = C / H;

function makeParams(): Record<string, tf.Variable> {
  const n = (shape: number[], seed: number) => tf.variable(tf.randomNormal(shape, 0, 0.2, 'float32', seed));
  return {
    embed: n([V, C], 1),
    norm1: tf.variable(tf.ones([C])),
    wq: n([C, C], 2),
    wk: n([KV * D, C], 3),
    wv: n([KV * D, C], 4),
    wo: n([C, C], 5),
    norm2: tf.variable(tf.ones([C])),
    gate: n([F, C], 6),
    up: n([F, C], 7),
    down: n([C, F], 8),
    head: n([V, C], 9),
  };
}

function loss(p: Record<string, tf.Variable>, ids: tf.Tensor, targets: tf.Tensor, rope: { cos: tf.Tensor2D; sin: tf.Tensor2D }): tf.Scalar {
  const x = embedding(p.embed, ids); // (B, T, C)
  const h = tf.reshape(rmsNorm(x, p.norm1), [B * T, C]);
  const heads = (w: tf.Tensor, n: number) => tf.transpose(tf.reshape(tf.matMul(h, w, false, true), [B, T, n, D]), [0, 2, 1, 3]);
  const q = applyRotary(heads(p.wq, H), rope); // (B, H, T, D)
  const k = applyRotary(heads(p.wk, KV), rope); // (B, KV, T, D)
  const att = causalSelfAttention(q, k, heads(p.wv, KV)); // (B, H, T, D)
  const merged = tf.reshape(tf.transpose(att, [0, 2, 1, 3]), [B * T, C]);
  const x2 = tf.add(tf.reshape(x, [B * T, C]), tf.matMul(merged, p.wo, false, true));
  const x3 = tf.add(x2, swigluMlp(rmsNorm(x2, p.norm2), p.gate, p.up, p.down));
  return crossEntropy(tf.matMul(x3, p.head, false, true), tf.reshape(targets, [B * T]));
}

describe.each(backends)('training on %s', (backend) => {
  it('loss decreases over 8 AdamW steps and tensors do not leak', async () => {
    await initBackend({ backend });
    const params = makeParams();
    const rope = rotaryTables(T, D);
    const opt = new AdamW({ lr: 3e-2 });
    const ids = tf.tensor2d(
      Array.from({ length: B * T }, (_, i) => (i * 7) % V),
      [B, T],
      'int32',
    );
    const targets = tf.tensor2d(
      Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V),
      [B, T],
      'int32',
    );
    const losses: number[] = [];
    const counts: number[] = [];
    for (let step = 0; step < 8; step++) {
      const { value, grads } = tf.variableGrads(() => loss(params, ids, targets, rope));
      const named = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, grads[v.name]]));
      const clipped = clipGradNorm(named, 1.0);
      opt.apply(params, clipped.grads);
      losses.push((await value.data())[0]);
      tf.dispose([value, clipped.norm, ...Object.values(grads), ...Object.values(clipped.grads)]);
      counts.push(tf.memory().numTensors);
    }
    expect(losses[7], `losses: ${losses.join(', ')}`).toBeLessThan(losses[0] * 0.7);
    // after the first step created the optimizer slots, the count is flat
    expect(new Set(counts.slice(1)).size, `tensor counts per step: ${counts.join(', ')}`).toBe(1);
    opt.dispose();
    tf.dispose([...Object.values(params), ids, targets, rope.cos, rope.sin]);
  });
});
