// Parameter names and shapes of a LLaMA decoder as this model holds them: @tinylm/arch-config's
// tensor table (Hugging Face LlamaForCausalLM's state-dict names, weights in (out, in) layout),
// narrowed to the tensors the model builds (no attention biases).
import { EMBED, FINAL_NORM, LLAMA_LAYER_LEAVES, LM_HEAD, type LlamaConfig, layerName, llamaTensors } from '@tinylm/arch-config';

export { EMBED, FINAL_NORM, LM_HEAD, layerName };

export interface ParamSpec {
  name: string;
  shape: [number] | [number, number];
  /** Normal-initialised matrix or ones-initialised norm weight. */
  kind: 'matrix' | 'norm';
  /** Which layer it belongs to (undefined for embedding, final norm and head). */
  layer?: number;
}

/** The per-layer leaves, in state-dict order. */
export const LAYER_LEAVES = LLAMA_LAYER_LEAVES;

/** Every parameter of `config` (no lm_head when embeddings are tied, as in HF). */
export function paramSpecs(config: LlamaConfig): ParamSpec[] {
  return llamaTensors(config).map((t) => ({
    ...t,
    shape: [...t.shape] as ParamSpec['shape'],
    kind: t.kind === 'norm' ? 'norm' : 'matrix',
  }));
}
