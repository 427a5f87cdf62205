// LlamaModel: shapes and counts, seeded init that is the same on every backend, a KV-cached
// forward equal to recomputing the whole sequence, and generation.
import * as tf from '@tensorflow/tfjs-core';
import { countParams, getPreset, resolveConfig } from '@tinylm/arch-config';
import { initBackend, probeBackends } from '@tinylm/kernels';
import { backendsUnderTest } from '../../../tooling/backends-under-test';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from './generate';
import { KvCache } from './kv-cache';
import { LlamaModel } from './model';

const gqa = resolveConfig({
  vocabSize: 64,
  hiddenSize: 32,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 48,
  maxPositionEmbeddings: 64,
});
const tied = resolveConfig({ ...gqa, numKvHeads: 4, tieWordEmbeddings: true });

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('LlamaModel', () => {
  it('holds exactly the parameters arch-config counts (untied GQA and tied MHA)', () => {
    for (const c of [gqa, tied, getPreset('bench-5m').config]) {
      const m = LlamaModel.create(c, { seed: 1 });
      expect(m.numParams()).toBe(countParams(c).total);
      m.dispose();
    }
  });

  it('seed 0 is a seed too (tfjs reads 0 as no seed): two models from seed 0 are equal', async () => {
    const [a, b] = [LlamaModel.create(gqa, { seed: 0 }), LlamaModel.create(gqa, { seed: 0 })];
    for (const [name, p] of a.params) expect(Array.from(await p.data()), name).toEqual(Array.from(await b.params.get(name)!.data()));
    a.dispose();
    b.dispose();
  });

  it('the same seed gives the same first loss on every backend present (float32 tolerance)', async () => {
    const ids = () =>
      tf.tensor2d(
        [
          [1, 2, 3, 4, 5, 6],
          [7, 8, 9, 10, 11, 12],
        ],
        [2, 6],
        'int32',
      );
    const losses: Record<string, number> = {};
    for (const backend of await backendsUnderTest(probeBackends)) {
      await initBackend({ backend });
      const m = LlamaModel.create(gqa, { seed: 0 });
      losses[backend] = (await m.loss(ids(), tf.reverse(ids(), 1)).data())[0];
      m.dispose();
    }
    await initBackend({ backend: 'cpu' });
    for (const [backend, loss] of Object.entries(losses)) expect(loss, backend).toBeCloseTo(losses.cpu, 4);
  });

  it('forward gives (B, T, V) logits; the same seed gives the same weights', async () => {
    const a = LlamaModel.create(gqa, { seed: 7 });
    const b = LlamaModel.create(gqa, { seed: 7 });
    const ids = tf.tensor2d(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
      [2, 4],
      'int32',
    );
    const la = a.forward(ids);
    expect(la.shape).toEqual([2, 4, 64]);
    expect(Array.from(await la.data())).toEqual(Array.from(await b.forward(ids).data()));
    const c = LlamaModel.create(gqa, { seed: 8 });
    expect(maxAbsDiff(await la.data(), await c.forward(ids).data())).toBeGreaterThan(1e-4);
    tf.dispose([a, b, c].flatMap((m) => [...m.params.values()]));
  });

  it('the scaled init shrinks only o_proj and down_proj', async () => {
    const m = LlamaModel.create(gqa, { seed: 3, scheme: 'scaled' });
    const std = async (name: string) => {
      const v = (await m.params.get(name)!.data()) as Float32Array;
      return Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    };
    expect(await std('model.layers.0.mlp.up_proj.weight')).toBeCloseTo(0.02, 2);
    expect(await std('model.layers.0.mlp.down_proj.weight')).toBeCloseTo(0.02 / 2, 2);
    m.dispose();
  });

  for (const [name, config] of [
    ['GQA untied', gqa],
    ['MHA tied', tied],
  ] as const) {
    it(`${name}: feeding tokens through a KV cache gives the logits of the full sequence`, async () => {
      const m = LlamaModel.create(config, { seed: 11 });
      const seq = [3, 14, 15, 9, 26, 5, 35, 8];
      const full = await m.forward(tf.tensor2d([seq], [1, 8], 'int32')).data(); // (1, 8, V)
      const cache = new KvCache(config.numLayers);
      const first = await m.forward(tf.tensor2d([seq.slice(0, 5)], [1, 5], 'int32'), cache).data();
      expect(maxAbsDiff(first, full.slice(0, 5 * 64))).toBeLessThan(1e-5);
      for (let t = 5; t < 8; t++) {
        const step = await m.forward(tf.tensor2d([[seq[t]]], [1, 1], 'int32'), cache).data();
        expect(maxAbsDiff(step, full.slice(t * 64, (t + 1) * 64))).toBeLessThan(1e-5);
      }
      expect(cache.length).toBe(8);
      cache.dispose();
      m.dispose();
    });
  }

  it('greedy generation equals argmax of full recomputation at each step, and does not leak', async () => {
    const m = LlamaModel.create(gqa, { seed: 5 });
    const prompt = [1, 2, 3];
    const before = tf.memory().numTensors;
    const out = await generate(m, prompt, { maxNewTokens: 6, greedy: true, returnLogits: true });
    expect(tf.memory().numTensors).toBe(before);
    const seq = [...prompt];
    for (let i = 0; i < 6; i++) {
      const logits = await m.forward(tf.tensor2d([seq], [1, seq.length], 'int32')).data();
      const last = logits.slice((seq.length - 1) * 64, seq.length * 64);
      expect(maxAbsDiff(out.logits![i], last)).toBeLessThan(1e-5);
      seq.push(out.ids[i]);
    }
    m.dispose();
  });

  it('sampling is reproducible with a seed and respects stop ids', async () => {
    const m = LlamaModel.create(gqa, { seed: 5 });
    const opts = { maxNewTokens: 8, temperature: 1.5, topK: 10, topP: 0.9, seed: 42 };
    const a = await generate(m, [1, 2], opts);
    const b = await generate(m, [1, 2], opts);
    expect(a.ids).toEqual(b.ids);
    const stopped = await generate(m, [1, 2], { ...opts, stopIds: [a.ids[2]] });
    expect(stopped.ids.length).toBeLessThanOrEqual(3);
    m.dispose();
  });

  it('rejects bad input naming it', async () => {
    const m = LlamaModel.create(gqa, { seed: 5 });
    expect(() => m.forward(tf.tensor1d([1, 2], 'int32'))).toThrow(/ids must have rank 2/);
    expect(() => m.forward(tf.tensor2d([[1.5, 2]], [1, 2], 'float32'))).toThrow(/ids must be int32/);
    expect(() => m.forward(tf.zeros([1, 65], 'int32'))).toThrow(/65 positions exceed maxPositionEmbeddings \(64\)/);
    await expect(generate(m, [1, 99], { maxNewTokens: 1 })).rejects.toThrow(/prompt id 99 is outside the vocabulary \[0, 64\)/);
    m.dispose();
  });
});
