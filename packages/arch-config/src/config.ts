// The LLaMA-2 model config: its type, defaults and `resolveConfig`.
// Field meanings follow Hugging Face transformers' LlamaConfig (camelCase here, snake_case in
// config.json); defaults follow the PanGu-π Pro release (configs/LLM1B.py: RMSNorm eps 1e-5,
// untied embeddings, init std 0.02, seq 2048) and InternEvo's FFN sizing (see ffn.ts).
// Architecture (Touvron et al. 2023, LLaMA-2): pre-norm RMSNorm, RoPE, SwiGLU MLP, no biases,
// grouped-query attention when numKvHeads < numHeads.

import { ConfigValueError } from './errors';
import { ffnFromMlpRatio, INTERNEVO_MULTIPLE_OF } from './ffn';
import { validateConfig } from './validate';

/** A complete, validated LLaMA-2 decoder config. Every size is exact; nothing is implied. */
export interface LlamaConfig {
  /** V: rows of the token embedding and of the LM head. */
  readonly vocabSize: number;
  /** d (HF hidden_size): width of the residual stream; numHeads * headDim. */
  readonly hiddenSize: number;
  /** L (HF num_hidden_layers): decoder blocks. */
  readonly numLayers: number;
  /** Query heads (HF num_attention_heads); headDim = hiddenSize / numHeads. */
  readonly numHeads: number;
  /** Key/value heads (HF num_key_value_heads): numHeads for MHA, fewer for GQA, 1 for MQA. */
  readonly numKvHeads: number;
  /** f (HF intermediate_size): SwiGLU width of gate/up projections. */
  readonly intermediateSize: number;
  /** RoPE base θ (HF rope_theta). */
  readonly ropeTheta: number;
  /** RMSNorm epsilon (HF rms_norm_eps). */
  readonly rmsNormEps: number;
  /** Longest sequence the model is built for (HF max_position_embeddings). */
  readonly maxPositionEmbeddings: number;
  /** LM head shares the embedding matrix (HF tie_word_embeddings). LLaMA-2 and PanGu-π: false. */
  readonly tieWordEmbeddings: boolean;
  /** Std of the normal init of weight matrices (HF initializer_range). */
  readonly initStd: number;
  readonly bosTokenId?: number;
  /** One id or several (Hugging Face allows a list). */
  readonly eosTokenId?: number | readonly number[];
  readonly padTokenId?: number;
}

/**
 * What a user writes: the four core sizes, everything else optional. Give the FFN either as
 * `intermediateSize` or as `mlpRatio` (rounded by InternEvo's rule with `multipleOf`); with
 * neither, `mlpRatio` 8/3 is used. With both, they must agree.
 */
export interface LlamaConfigInput {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads?: number;
  intermediateSize?: number;
  /** FFN expansion rate: intermediateSize = multipleOf * ceil(trunc(hiddenSize * mlpRatio) / multipleOf). */
  mlpRatio?: number;
  /** Rounding multiple for `mlpRatio`; InternEvo's 256 by default. */
  multipleOf?: number;
  ropeTheta?: number;
  rmsNormEps?: number;
  maxPositionEmbeddings?: number;
  tieWordEmbeddings?: boolean;
  initStd?: number;
  bosTokenId?: number;
  eosTokenId?: number | readonly number[];
  padTokenId?: number;
}

/** Defaults `resolveConfig` fills in. */
export const CONFIG_DEFAULTS = Object.freeze({
  ropeTheta: 10000, // LLaMA-2
  rmsNormEps: 1e-5, // LLaMA-2, configs/LLM1B.py layer_norm_epsilon
  maxPositionEmbeddings: 2048, // configs/LLM1B.py SEQ_LEN
  tieWordEmbeddings: false, // LLaMA-2, PanGu-π
  initStd: 0.02, // HF initializer_range, InternEvo *_init_std
  mlpRatio: 8 / 3, // configs/LLM1B.py MLP_RATIO
  multipleOf: INTERNEVO_MULTIPLE_OF,
});

/** Every key `LlamaConfigInput` accepts, in canonical order. */
export const CONFIG_INPUT_KEYS: readonly (keyof LlamaConfigInput)[] = Object.freeze([
  'vocabSize',
  'hiddenSize',
  'numLayers',
  'numHeads',
  'numKvHeads',
  'intermediateSize',
  'mlpRatio',
  'multipleOf',
  'ropeTheta',
  'rmsNormEps',
  'maxPositionEmbeddings',
  'tieWordEmbeddings',
  'initStd',
  'bosTokenId',
  'eosTokenId',
  'padTokenId',
]);

/**
 * Fills defaults, derives the FFN size and validates. Throws `ConfigValueError` naming the field,
 * its value and what is allowed. `source` (a file, a preset) is quoted in messages.
 */
export function resolveConfig(input: LlamaConfigInput, source?: string): LlamaConfig {
  const multipleOf = input.multipleOf ?? CONFIG_DEFAULTS.multipleOf;
  if (!Number.isInteger(multipleOf) || multipleOf < 1) {
    throw new ConfigValueError({ field: 'multipleOf', value: multipleOf, allowed: 'a positive integer (InternEvo uses 256)', source });
  }
  if (input.mlpRatio !== undefined && !(typeof input.mlpRatio === 'number' && Number.isFinite(input.mlpRatio) && input.mlpRatio > 0)) {
    throw new ConfigValueError({ field: 'mlpRatio', value: input.mlpRatio, allowed: 'a finite number > 0, e.g. 8 / 3', source });
  }
  const hiddenOk = Number.isInteger(input.hiddenSize) && input.hiddenSize > 0;
  const fromRatio = hiddenOk ? ffnFromMlpRatio(input.hiddenSize, input.mlpRatio ?? CONFIG_DEFAULTS.mlpRatio, multipleOf) : Number.NaN;
  if (input.intermediateSize !== undefined && input.mlpRatio !== undefined && hiddenOk && input.intermediateSize !== fromRatio) {
    throw new ConfigValueError({
      field: 'mlpRatio',
      value: input.mlpRatio,
      reason: `it gives intermediateSize ${fromRatio} (hiddenSize ${input.hiddenSize}, multipleOf ${multipleOf}) but intermediateSize is ${input.intermediateSize}`,
      allowed: 'give only one of intermediateSize and mlpRatio, or values that agree',
      source,
    });
  }
  const config: Mutable<LlamaConfig> = {
    vocabSize: input.vocabSize,
    hiddenSize: input.hiddenSize,
    numLayers: input.numLayers,
    numHeads: input.numHeads,
    numKvHeads: input.numKvHeads ?? input.numHeads,
    intermediateSize: input.intermediateSize ?? fromRatio,
    ropeTheta: input.ropeTheta ?? CONFIG_DEFAULTS.ropeTheta,
    rmsNormEps: input.rmsNormEps ?? CONFIG_DEFAULTS.rmsNormEps,
    maxPositionEmbeddings: input.maxPositionEmbeddings ?? CONFIG_DEFAULTS.maxPositionEmbeddings,
    tieWordEmbeddings: input.tieWordEmbeddings ?? CONFIG_DEFAULTS.tieWordEmbeddings,
    initStd: input.initStd ?? CONFIG_DEFAULTS.initStd,
  };
  if (input.bosTokenId !== undefined) config.bosTokenId = input.bosTokenId;
  if (input.eosTokenId !== undefined) {
    config.eosTokenId = Array.isArray(input.eosTokenId) ? Object.freeze([...input.eosTokenId]) : input.eosTokenId;
  }
  if (input.padTokenId !== undefined) config.padTokenId = input.padTokenId;
  validateConfig(config, source);
  return Object.freeze(config);
}

/** Size of one attention head: hiddenSize / numHeads. */
export function headDim(config: LlamaConfig): number {
  return config.hiddenSize / config.numHeads;
}

/** Width of the K and V projections: numKvHeads * headDim (= hiddenSize without GQA). */
export function kvDim(config: LlamaConfig): number {
  return config.numKvHeads * headDim(config);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
