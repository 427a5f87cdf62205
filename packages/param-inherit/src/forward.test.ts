// The instrumented forward pass is the model's forward: identical logits to LlamaModel.forward
// (same ops, same order) for GQA / MHA, tied / untied, and masks of ones change nothing; probes
// see the tensors they promise.
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfig } from '@tinylm/arch-config';
import { initBackend } from '@tinylm/kernels';
import { LlamaModel } from '@tinylm/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardLogits } from './forward';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('forwardLogits', () => {
  for (const [name, input] of [
    ['GQA untied', { vocabSize: 40, hiddenSize: 32, numLayers: 3, numHeads: 8, numKvHeads: 2, intermediateSize: 40 }],
    ['MHA tied', { vocabSize: 40, hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 24, tieWordEmbeddings: true }],
  ] as const) {
    it(`${name}: equals LlamaModel.forward exactly; masks of ones change nothing`, async () => {
      const c = resolveConfig(input);
      const m = LlamaModel.create(c, { seed: 4, std: 0.2 });
      const ids = tf.tensor2d(
        [
          [1, 5, 9, 2, 33, 7],
          [0, 39, 4, 4, 8, 1],
        ],
        [2, 6],
        'int32',
      );
      const want = await m.forward(ids).data();
      const layers = Array.from({ length: c.numLayers }, (_, i) => i);
      expect(Array.from(await forwardLogits(c, m.params, layers, ids).data())).toEqual(Array.from(want));
      const ones = {
        layer: tf.ones([c.numLayers]),
        heads: tf.ones([c.numLayers, c.numHeads]),
        ffn: tf.ones([c.numLayers, c.intermediateSize]),
        hidden: tf.ones([c.hiddenSize]),
      };
      expect(Array.from(await forwardLogits(c, m.params, layers, ids, ones).data())).toEqual(Array.from(want));
      // a zero layer mask is the same as skipping the layer
      const skip = await forwardLogits(c, m.params, layers.slice(1), ids).data();
      const masked = await forwardLogits(c, m.params, layers, ids, { layer: tf.tensor1d(layers.map((l) => (l === 0 ? 0 : 1))) }).data();
      expect(Array.from(masked)).toEqual(Array.from(skip));
      const seen: string[] = [];
      forwardLogits(
        c,
        m.params,
        layers,
        ids,
        {},
        {
          layerIO: (i, a, b) => seen.push(`io${i}:${a.shape}:${b.shape}`),
          heads: (i, att) => seen.push(`heads${i}:${att.shape}`),
          ffn: (i, h) => seen.push(`ffn${i}:${h.shape}`),
          normed: (i, x) => seen.push(`norm${i}:${x.shape}`),
        },
      ).dispose();
      expect(seen).toContain(`heads0:2,${c.numHeads},6,${c.hiddenSize / c.numHeads}`);
      expect(seen).toContain(`ffn1:12,${c.intermediateSize}`);
      expect(seen).toContain(`io1:2,6,${c.hiddenSize}:2,6,${c.hiddenSize}`);
      expect(seen.filter((s) => s.startsWith('norm')).length).toBe(2 * c.numLayers + 1);
      m.dispose();
    });
  }
});
