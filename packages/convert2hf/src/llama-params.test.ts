// Hugging Face LLaMA tensor names/shapes, and the rotary row permutation between the interleaved
// (Meta / llama.cpp) and half-split (Hugging Face) layouts.
import { resolveConfig } from '@tinylm/arch-config';
import { describe, expect, it } from 'vitest';
import { llamaParams, permuteRotaryRows } from './llama-params';

describe('llamaParams', () => {
  it("lists LlamaForCausalLM's tensors in state-dict order, with GQA shapes, biases and tied heads", () => {
    const config = resolveConfig({ vocabSize: 10, hiddenSize: 8, numLayers: 1, numHeads: 2, numKvHeads: 1, intermediateSize: 12 });
    const params = llamaParams(config);
    expect(params.map((p) => p.name)).toEqual([
      'model.embed_tokens.weight',
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.0.self_attn.k_proj.weight',
      'model.layers.0.self_attn.v_proj.weight',
      'model.layers.0.self_attn.o_proj.weight',
      'model.layers.0.mlp.gate_proj.weight',
      'model.layers.0.mlp.up_proj.weight',
      'model.layers.0.mlp.down_proj.weight',
      'model.layers.0.input_layernorm.weight',
      'model.layers.0.post_attention_layernorm.weight',
      'model.norm.weight',
      'lm_head.weight',
    ]);
    expect(params[2].shape).toEqual([4, 8]);
    expect(params[7].shape).toEqual([8, 12]);
    const biased = llamaParams(config, true).filter((p) => p.name.endsWith('.bias'));
    expect(biased.map((p) => [p.name.split('.').slice(-2, -1)[0], p.shape])).toEqual([
      ['q_proj', [8]],
      ['k_proj', [4]],
      ['v_proj', [4]],
      ['o_proj', [8]],
    ]);
    expect(llamaParams({ ...config, tieWordEmbeddings: true }).some((p) => p.name === 'lm_head.weight')).toBe(false);
  });
});

describe('permuteRotaryRows', () => {
  it('takes interleaved rows (2j, 2j+1) to half-split rows (j, j + d/2) per head, and back', () => {
    // 2 heads of size 4, one column: rows are labelled head*10 + row
    const inter = new Float32Array([0, 1, 2, 3, 10, 11, 12, 13]);
    const half = permuteRotaryRows(inter, 2, 4, 1);
    expect([...half]).toEqual([0, 2, 1, 3, 10, 12, 11, 13]);
    expect([...permuteRotaryRows(half, 2, 4, 1, true)]).toEqual([...inter]);
    // with columns, whole rows move
    const wide = new Float32Array([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    expect([...permuteRotaryRows(wide, 1, 4, 2)]).toEqual([0, 0.5, 2, 2.5, 1, 1.5, 3, 3.5]);
    expect(() => permuteRotaryRows(new Float32Array(6), 1, 4, 1)).toThrow(RangeError);
  });

  it('matches the rotation: half-split rotary on permuted rows equals interleaved rotary on the originals', () => {
    const d = 8;
    const x = Float32Array.from({ length: d }, (_, i) => Math.sin(i + 1));
    const angle = (j: number) => 3 * 10000 ** (-(2 * j) / d); // position 3
    const inter = new Float32Array(d);
    for (let j = 0; j < d / 2; j++) {
      const [a, b, c, s] = [x[2 * j], x[2 * j + 1], Math.cos(angle(j)), Math.sin(angle(j))];
      inter[2 * j] = a * c - b * s;
      inter[2 * j + 1] = a * s + b * c;
    }
    const h = permuteRotaryRows(x, 1, d, 1);
    const half = new Float32Array(d);
    for (let j = 0; j < d / 2; j++) {
      const [a, b, c, s] = [h[j], h[j + d / 2], Math.cos(angle(j)), Math.sin(angle(j))];
      half[j] = a * c - b * s;
      half[j + d / 2] = a * s + b * c;
    }
    const back = permuteRotaryRows(half, 1, d, 1, true);
    back.forEach((v, i) => expect(v).toBeCloseTo(inter[i], 6));
  });
});
