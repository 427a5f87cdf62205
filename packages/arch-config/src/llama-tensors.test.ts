// The LLaMA tensor table against transformers' state-dict names and the exact parameter counts.

import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config';
import { EMBED, LLAMA_LAYER_LEAVES, LM_HEAD, llamaTensors } from './llama-tensors';
import { countParams } from './param-count';
import { getPreset } from './presets';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

describe('llamaTensors', () => {
  it('lists a GQA config in state-dict order with (out, in) shapes', () => {
    const c = resolveConfig({ vocabSize: 100, hiddenSize: 64, numLayers: 2, numHeads: 8, numKvHeads: 2, intermediateSize: 96 });
    const tensors = llamaTensors(c);
    expect(tensors.map((t) => t.name).slice(0, 4)).toEqual([
      EMBED,
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.0.self_attn.k_proj.weight',
      'model.layers.0.self_attn.v_proj.weight',
    ]);
    expect(tensors.map((t) => t.name).slice(-2)).toEqual(['model.norm.weight', LM_HEAD]);
    expect(tensors).toHaveLength(1 + 2 * 9 + 2);
    expect(tensors.find((t) => t.name === 'model.layers.1.self_attn.k_proj.weight')).toEqual({
      name: 'model.layers.1.self_attn.k_proj.weight',
      shape: [16, 64],
      kind: 'matrix',
      layer: 1,
    });
    expect(tensors.find((t) => t.name === 'model.layers.0.mlp.down_proj.weight')?.shape).toEqual([64, 96]);
    expect(tensors.find((t) => t.name === 'model.layers.0.input_layernorm.weight')?.kind).toBe('norm');
    expect(LLAMA_LAYER_LEAVES).toHaveLength(9);
  });

  it('drops lm_head when tied and adds the q/k/v/o biases of attention_bias', () => {
    const c = resolveConfig({ vocabSize: 100, hiddenSize: 64, numLayers: 1, numHeads: 4, numKvHeads: 2, tieWordEmbeddings: true });
    expect(llamaTensors(c).some((t) => t.name === LM_HEAD)).toBe(false);
    const biases = llamaTensors(c, { attentionBias: true }).filter((t) => t.kind === 'bias');
    expect(biases.map((t) => [t.name, t.shape])).toEqual([
      ['model.layers.0.self_attn.q_proj.bias', [64]],
      ['model.layers.0.self_attn.k_proj.bias', [32]],
      ['model.layers.0.self_attn.v_proj.bias', [32]],
      ['model.layers.0.self_attn.o_proj.bias', [64]],
    ]);
  });

  it('sums to countParams for the presets (the table and the counts agree)', () => {
    for (const name of ['pangu-pi-1b-pro', 'pangu-pi-1b']) {
      const c = getPreset(name).config;
      expect(llamaTensors(c).reduce((n, t) => n + size(t.shape), 0)).toBe(countParams(c).total);
    }
    const tied = resolveConfig({ vocabSize: 256, hiddenSize: 64, numLayers: 1, numHeads: 4, tieWordEmbeddings: true });
    expect(llamaTensors(tied).reduce((n, t) => n + size(t.shape), 0)).toBe(countParams(tied).total);
  });
});
