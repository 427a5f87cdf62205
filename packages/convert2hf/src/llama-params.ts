// Tensor names and shapes of a Hugging Face LlamaForCausalLM state dict, from @tinylm/arch-config's
// tensor table (transformers' models/llama/modeling_llama.py names; weights in (out, in) layout,
// q/k rows in its half-split rotary layout), plus the rotary row permutation the converters need.

import { EMBED, FINAL_NORM, LM_HEAD, type LlamaConfig, type LlamaTensor, layerName, llamaTensors } from '@tinylm/arch-config';

export { EMBED, FINAL_NORM, LM_HEAD, layerName };

/** One tensor of a LlamaForCausalLM state dict. */
export type LlamaParam = LlamaTensor;

/** Every tensor of `config`, in state-dict order; no lm_head when embeddings are tied; q/k/v/o biases with `attentionBias`. */
export function llamaParams(config: LlamaConfig, attentionBias = false): LlamaParam[] {
  return llamaTensors(config, { attentionBias });
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
export function permuteRotaryRows(data: Float32Array, heads: number, headDim: number, cols: number, inverse = false): Float32Array {
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
