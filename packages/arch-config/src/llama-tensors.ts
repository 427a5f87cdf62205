// The tensors of a LLaMA decoder, as one declarative table: each row gives a tensor's Hugging Face
// transformers name (LlamaForCausalLM's state dict, modeling_llama.py), its shape from the config
// (weights in (out, in) layout), whether it is per layer, and when it exists. Modelled on
// llama.cpp's gguf-py/gguf/tensor_mapping.py: the names live here once and every package (the
// model, the converters, the checkpoint checks) lists a config's tensors from this table.

import { kvDim, type LlamaConfig } from './config';

/** What a tensor is, for initialisation and checks: a weight matrix, a norm gain, or a bias. */
export type LlamaTensorKind = 'matrix' | 'norm' | 'bias';

/** Options that add tensors a plain LLaMA-2 config does not imply. */
export interface LlamaTensorOptions {
  /** HF `attention_bias: true`: q/k/v/o projections with biases (LlamaAttention's bias=config.attention_bias). */
  readonly attentionBias?: boolean;
}

/** One row of the table. `hfName` is the leaf under `model.layers.<i>.` for per-layer rows. */
export interface LlamaTensorRow {
  readonly hfName: string;
  readonly perLayer: boolean;
  readonly kind: LlamaTensorKind;
  readonly shape: (config: LlamaConfig) => readonly number[];
  /** Whether the tensor exists for this config; always when absent. */
  readonly when?: (config: LlamaConfig, options: LlamaTensorOptions) => boolean;
}

/** One tensor of a config's state dict. */
export interface LlamaTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly kind: LlamaTensorKind;
  /** Its layer, for per-layer tensors. */
  readonly layer?: number;
}

export const EMBED = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.weight';

/** `model.layers.<i>.<leaf>`. */
export const layerName = (layer: number, leaf: string): string => `model.layers.${layer}.${leaf}`;

const biased = (_c: LlamaConfig, options: LlamaTensorOptions) => options.attentionBias === true;

/** The per-layer tensors, in state-dict order. */
export const LLAMA_LAYER_TENSORS: readonly LlamaTensorRow[] = Object.freeze([
  { hfName: 'self_attn.q_proj.weight', perLayer: true, kind: 'matrix', shape: (c) => [c.hiddenSize, c.hiddenSize] },
  { hfName: 'self_attn.k_proj.weight', perLayer: true, kind: 'matrix', shape: (c) => [kvDim(c), c.hiddenSize] },
  { hfName: 'self_attn.v_proj.weight', perLayer: true, kind: 'matrix', shape: (c) => [kvDim(c), c.hiddenSize] },
  { hfName: 'self_attn.o_proj.weight', perLayer: true, kind: 'matrix', shape: (c) => [c.hiddenSize, c.hiddenSize] },
  { hfName: 'self_attn.q_proj.bias', perLayer: true, kind: 'bias', shape: (c) => [c.hiddenSize], when: biased },
  { hfName: 'self_attn.k_proj.bias', perLayer: true, kind: 'bias', shape: (c) => [kvDim(c)], when: biased },
  { hfName: 'self_attn.v_proj.bias', perLayer: true, kind: 'bias', shape: (c) => [kvDim(c)], when: biased },
  { hfName: 'self_attn.o_proj.bias', perLayer: true, kind: 'bias', shape: (c) => [c.hiddenSize], when: biased },
  { hfName: 'mlp.gate_proj.weight', perLayer: true, kind: 'matrix', shape: (c) => [c.intermediateSize, c.hiddenSize] },
  { hfName: 'mlp.up_proj.weight', perLayer: true, kind: 'matrix', shape: (c) => [c.intermediateSize, c.hiddenSize] },
  { hfName: 'mlp.down_proj.weight', perLayer: true, kind: 'matrix', shape: (c) => [c.hiddenSize, c.intermediateSize] },
  { hfName: 'input_layernorm.weight', perLayer: true, kind: 'norm', shape: (c) => [c.hiddenSize] },
  { hfName: 'post_attention_layernorm.weight', perLayer: true, kind: 'norm', shape: (c) => [c.hiddenSize] },
] satisfies LlamaTensorRow[]);

/** The whole table in state-dict order: the embedding, the layers, the final norm, the head. */
export const LLAMA_TENSORS: readonly LlamaTensorRow[] = Object.freeze([
  { hfName: EMBED, perLayer: false, kind: 'matrix', shape: (c) => [c.vocabSize, c.hiddenSize] },
  ...LLAMA_LAYER_TENSORS,
  { hfName: FINAL_NORM, perLayer: false, kind: 'norm', shape: (c) => [c.hiddenSize] },
  { hfName: LM_HEAD, perLayer: false, kind: 'matrix', shape: (c) => [c.vocabSize, c.hiddenSize], when: (c) => !c.tieWordEmbeddings },
] satisfies LlamaTensorRow[]);

/** The leaves of the per-layer tensors of a plain LLaMA-2 layer (no biases), in state-dict order. */
export const LLAMA_LAYER_LEAVES: readonly string[] = Object.freeze(LLAMA_LAYER_TENSORS.filter((row) => !row.when).map((row) => row.hfName));

/** Every tensor of `config`, in state-dict order; no lm_head when embeddings are tied (as in HF). */
export function llamaTensors(config: LlamaConfig, options: LlamaTensorOptions = {}): LlamaTensor[] {
  const present = LLAMA_TENSORS.filter((row) => !row.when || row.when(config, options));
  const [embedding, ...afterLayers] = present.filter((row) => !row.perLayer);
  const tensor = (row: LlamaTensorRow, name = row.hfName, layer?: number): LlamaTensor =>
    layer === undefined ? { name, shape: row.shape(config), kind: row.kind } : { name, shape: row.shape(config), kind: row.kind, layer };
  const tensors = [tensor(embedding)];
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const row of present.filter((r) => r.perLayer)) tensors.push(tensor(row, layerName(layer, row.hfName), layer));
  }
  tensors.push(...afterLayers.map((row) => tensor(row)));
  return tensors;
}
