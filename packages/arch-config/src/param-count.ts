// Exact parameter counts of a LLaMA-2 decoder, per component.
// Layout as in HF transformers' LlamaForCausalLM (and the bench/torch_train_ref.py reference):
//   embed_tokens (V, d)
//   per layer: input_layernorm (d); q_proj (d, d); k_proj, v_proj (kv, d) with kv = numKvHeads *
//              headDim; o_proj (d, d); post_attention_layernorm (d); gate_proj, up_proj (f, d);
//              down_proj (d, f); no biases (attention_bias = mlp_bias = false)
//   norm (d); lm_head (V, d), absent when tied to embed_tokens
// LLaMA-2-7B: 6,738,415,616; TinyLlama-1.1B: 1,100,048,384 (tests check both).

import { kvDim, type LlamaConfig } from './config';

/** Parameters of one attention block's projections. */
export interface AttentionParams {
  readonly q: number; // d * d
  readonly k: number; // d * kv
  readonly v: number; // d * kv
  readonly o: number; // d * d
  readonly total: number;
}

/** Parameters of one SwiGLU MLP. */
export interface MlpParams {
  readonly gate: number; // d * f
  readonly up: number; // d * f
  readonly down: number; // f * d
  readonly total: number;
}

/** Parameters of one decoder layer. */
export interface LayerParams {
  readonly attention: AttentionParams;
  readonly mlp: MlpParams;
  /** input_layernorm + post_attention_layernorm: 2d. */
  readonly norms: number;
  readonly total: number;
}

/** Exact parameter counts; a tied head counts once (in `embedding`) and `lmHead` is 0. */
export interface ParamCounts {
  readonly embedding: number;
  readonly perLayer: LayerParams;
  /** perLayer.total * numLayers. */
  readonly layers: number;
  readonly finalNorm: number;
  /** V * d, or 0 when tied. */
  readonly lmHead: number;
  readonly total: number;
  /** total - embedding - lmHead: the transformer body (layers + final norm). */
  readonly nonEmbedding: number;
  /**
   * Weights used in a matrix multiply per token: all layer projections plus the head matrix
   * (V * d even when tied: the product still happens). Excludes the embedding lookup and norm
   * gains. This is the N of the 6N FLOP rule (see flops.ts).
   */
  readonly matmul: number;
}

/** Counts every parameter of the decoder, per component. */
export function countParams(config: LlamaConfig): ParamCounts {
  const { vocabSize: V, hiddenSize: d, intermediateSize: f, numLayers: L } = config;
  const kv = kvDim(config);
  const attention = { q: d * d, k: d * kv, v: d * kv, o: d * d, total: 0 };
  attention.total = attention.q + attention.k + attention.v + attention.o;
  const mlp = { gate: d * f, up: d * f, down: f * d, total: 0 };
  mlp.total = mlp.gate + mlp.up + mlp.down;
  const norms = 2 * d;
  const perLayer: LayerParams = { attention, mlp, norms, total: attention.total + mlp.total + norms };
  const embedding = V * d;
  const lmHead = config.tieWordEmbeddings ? 0 : V * d;
  const layers = perLayer.total * L;
  const finalNorm = d;
  const total = embedding + layers + finalNorm + lmHead;
  return {
    embedding,
    perLayer,
    layers,
    finalNorm,
    lmHead,
    total,
    nonEmbedding: total - embedding - lmHead,
    matmul: (attention.total + mlp.total) * L + V * d,
  };
}

/**
 * Share of all parameters held by the embedding table and the LM head (one matrix when tied):
 * (embedding + lmHead) / total. The paper's compact-tokenizer figure: 38.19% -> 18.07%.
 */
export function embeddingShare(config: LlamaConfig): number {
  const p = countParams(config);
  return (p.embedding + p.lmHead) / p.total;
}
