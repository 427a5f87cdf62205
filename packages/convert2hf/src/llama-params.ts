// Tensor names and shapes of a Hugging Face LlamaForCausalLM state dict, as transformers'
// models/llama/modeling_llama.py names them (weights in (out, in) layout; q/k rows in its
// half-split rotary layout). Mirrors @tinylm/model's param-names.ts, which this package cannot
// import (it depends only on hf-io and arch-config), plus the q/k/v/o biases of
// `attention_bias: true` (LlamaAttention builds all four with bias=config.attention_bias).

import type { LlamaConfig } from '@tinylm/arch-config';

/** One tensor of a LlamaForCausalLM state dict. */
export interface LlamaParam {
  readonly name: string;
  readonly shape: readonly number[];
  /** Its layer, for per-layer tensors. */
  readonly layer?: number;
}

export const EMBED = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.weight';

/** `model.layers.<i>.<leaf>`. */
export const layerName = (i: number, leaf: string): string => `model.layers.${i}.${leaf}`;

/** Every tensor of `config`, in state-dict order; no lm_head when embeddings are tied. */
export function llamaParams(config: LlamaConfig, attentionBias = false): LlamaParam[] {
  const h = config.hiddenSize;
  const kv = config.numKvHeads * (h / config.numHeads);
  const f = config.intermediateSize;
  const out: LlamaParam[] = [{ name: EMBED, shape: [config.vocabSize, h] }];
  for (let i = 0; i < config.numLayers; i++) {
    const leaves: [string, number[]][] = [
      ['self_attn.q_proj.weight', [h, h]],
      ['self_attn.k_proj.weight', [kv, h]],
      ['self_attn.v_proj.weight', [kv, h]],
      ['self_attn.o_proj.weight', [h, h]],
      ...(attentionBias
        ? ([
            ['self_attn.q_proj.bias', [h]],
            ['self_attn.k_proj.bias', [kv]],
            ['self_attn.v_proj.bias', [kv]],
            ['self_attn.o_proj.bias', [h]],
          ] as [string, number[]][])
        : []),
      ['mlp.gate_proj.weight', [f, h]],
      ['mlp.up_proj.weight', [f, h]],
      ['mlp.down_proj.weight', [h, f]],
      ['input_layernorm.weight', [h]],
      ['post_attention_layernorm.weight', [h]],
    ];
    for (const [leaf, shape] of leaves) out.push({ name: layerName(i, leaf), shape, layer: i });
  }
  out.push({ name: FINAL_NORM, shape: [h] });
  if (!config.tieWordEmbeddings) out.push({ name: LM_HEAD, shape: [config.vocabSize, h] });
  return out;
}

/**
 * Reorders the rows of a q or k projection (weight `[heads * headDim, in]` or bias
 * `[heads * headDim]`) from the interleaved rotary layout, where dimensions (2j, 2j+1) of a head
 * rotate together (Meta's LLaMA, GPT-J, llama.cpp), to Hugging Face's half-split layout, where
 * (j, j + headDim/2) do; `inverse` goes the other way. Within each head, half-split row j is
 * interleaved row 2j and row headDim/2 + j is row 2j + 1 (transformers'
 * convert_llama_weights_to_hf.py `permute`, and llama.cpp's convert_hf_to_gguf.py
 * `LlamaModel.permute` for the inverse).
 */
export function permuteRotaryRows(
  data: Float32Array,
  heads: number,
  headDim: number,
  cols: number,
  inverse = false
): Float32Array {
  if (data.length !== heads * headDim * cols || headDim % 2 !== 0) {
    throw new RangeError(`permuteRotaryRows: ${data.length} values do not form ${heads} heads x ${headDim} rows x ${cols} columns`);
  }
  const out = new Float32Array(data.length);
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < half; j++) {
      for (const [halfRow, interRow] of [
        [j, 2 * j],
        [half + j, 2 * j + 1],
      ]) {
        const from = (h * headDim + (inverse ? halfRow : interRow)) * cols;
        const to = (h * headDim + (inverse ? interRow : halfRow)) * cols;
        out.set(data.subarray(from, from + cols), to);
      }
    }
  }
  return out;
}
