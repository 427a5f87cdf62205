// Parameter names and shapes of a LLaMA decoder, exactly as Hugging Face transformers'
// LlamaForCausalLM names them in its state dict (modeling_llama.py); weights in (out, in) layout.
import type { LlamaConfig } from '@tinylm/arch-config';

export interface ParamSpec {
  name: string;
  shape: [number] | [number, number];
  /** Normal-initialised matrix or ones-initialised norm weight. */
  kind: 'matrix' | 'norm';
  /** Which layer it belongs to (undefined for embedding, final norm and head). */
  layer?: number;
}

export const EMBED = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.weight';

export const layerName = (i: number, leaf: string) => `model.layers.${i}.${leaf}`;

/** The per-layer leaves, in state-dict order. */
export const LAYER_LEAVES = Object.freeze([
  'self_attn.q_proj.weight',
  'self_attn.k_proj.weight',
  'self_attn.v_proj.weight',
  'self_attn.o_proj.weight',
  'mlp.gate_proj.weight',
  'mlp.up_proj.weight',
  'mlp.down_proj.weight',
  'input_layernorm.weight',
  'post_attention_layernorm.weight',
] as const);

/** Every parameter of `config` (no lm_head when embeddings are tied, as in HF). */
export function paramSpecs(c: LlamaConfig): ParamSpec[] {
  const d = c.hiddenSize / c.numHeads;
  const kv = c.numKvHeads * d;
  const specs: ParamSpec[] = [{ name: EMBED, shape: [c.vocabSize, c.hiddenSize], kind: 'matrix' }];
  for (let i = 0; i < c.numLayers; i++) {
    const shapes: Record<(typeof LAYER_LEAVES)[number], ParamSpec['shape']> = {
      'self_attn.q_proj.weight': [c.hiddenSize, c.hiddenSize],
      'self_attn.k_proj.weight': [kv, c.hiddenSize],
      'self_attn.v_proj.weight': [kv, c.hiddenSize],
      'self_attn.o_proj.weight': [c.hiddenSize, c.hiddenSize],
      'mlp.gate_proj.weight': [c.intermediateSize, c.hiddenSize],
      'mlp.up_proj.weight': [c.intermediateSize, c.hiddenSize],
      'mlp.down_proj.weight': [c.hiddenSize, c.intermediateSize],
      'input_layernorm.weight': [c.hiddenSize],
      'post_attention_layernorm.weight': [c.hiddenSize],
    };
    for (const leaf of LAYER_LEAVES) {
      const shape = shapes[leaf];
      specs.push({ name: layerName(i, leaf), shape, kind: shape.length === 1 ? 'norm' : 'matrix', layer: i });
    }
  }
  specs.push({ name: FINAL_NORM, shape: [c.hiddenSize], kind: 'norm' });
  if (!c.tieWordEmbeddings) specs.push({ name: LM_HEAD, shape: [c.vocabSize, c.hiddenSize], kind: 'matrix' });
  return specs;
}
