// The share of a model's parameters spent on the token embedding and the LM head, the number the
// compact tokenizer is meant to shrink (docs/method.md section 1: PanGu-π-1B Pro, vocabulary 48,000, hidden 1792,
// 20 layers: 18.07%). The counts are @tinylm/arch-config's (`countParams`, the LLaMA-2 layout:
// RMSNorm, no biases, SwiGLU FFN, untied embeddings by default), with the FFN width LLaMA derives
// from the hidden size (arch-config's 8/3 rule, rounded up to a multiple of 256) unless given.

import { CONFIG_DEFAULTS, countParams, ffnFromMlpRatio, type LlamaConfig } from '@tinylm/arch-config';

/** The model the share is computed for. */
export interface ParamShareModel {
  /** Hidden size (embedding width). */
  hiddenSize: number;
  /** Decoder layers; needed unless `nonEmbeddingParams` is given. */
  layers?: number;
  /** FFN width; default LLaMA's 256 * ceil(int(8h/3) / 256). */
  intermediateSize?: number;
  /** Attention heads and key/value heads (grouped-query attention); default: no grouping. */
  numHeads?: number;
  numKvHeads?: number;
  /** Parameters outside the embedding and head, when known exactly (overrides the layout). */
  nonEmbeddingParams?: number;
  /** Whether the LM head shares the embedding matrix. Default false (LLaMA-2). */
  tiedEmbeddings?: boolean;
}

/** Embedding + head share for one vocabulary size. */
export interface ParamShare {
  vocabSize: number;
  /** Embedding plus head parameters. */
  embeddingParams: number;
  nonEmbeddingParams: number;
  totalParams: number;
  /** embeddingParams / totalParams, in percent. */
  percent: number;
}

/** LLaMA's FFN width for hidden size `h`: int(2 * 4h / 3) rounded up to a multiple of 256 (arch-config's `ffnFromMlpRatio(h, 8 / 3)`). */
export function llamaIntermediateSize(h: number): number {
  return ffnFromMlpRatio(h, CONFIG_DEFAULTS.mlpRatio, CONFIG_DEFAULTS.multipleOf);
}

/** `model` as an arch-config LlamaConfig, for its counts (the vocabulary does not change the body). */
function llamaConfigOf(model: ParamShareModel, layers: number, vocabSize = 0): LlamaConfig {
  const numHeads = model.numHeads ?? 1;
  return {
    vocabSize,
    hiddenSize: model.hiddenSize,
    numLayers: layers,
    numHeads,
    numKvHeads: model.numKvHeads ?? numHeads,
    intermediateSize: model.intermediateSize ?? llamaIntermediateSize(model.hiddenSize),
    ropeTheta: CONFIG_DEFAULTS.ropeTheta,
    rmsNormEps: CONFIG_DEFAULTS.rmsNormEps,
    maxPositionEmbeddings: CONFIG_DEFAULTS.maxPositionEmbeddings,
    tieWordEmbeddings: model.tiedEmbeddings ?? false,
    initStd: CONFIG_DEFAULTS.initStd,
  };
}

/** Parameters outside the embedding and head for the LLaMA-2 layout of `model` (arch-config's `countParams(...).nonEmbedding`). */
export function nonEmbeddingParams(model: ParamShareModel): number {
  if (model.nonEmbeddingParams !== undefined) return model.nonEmbeddingParams;
  if (model.layers === undefined) throw new RangeError('layers (or nonEmbeddingParams) is needed to count the parameters');
  return countParams(llamaConfigOf(model, model.layers)).nonEmbedding;
}

/**
 * The embedding + head share of parameters of `model` with a vocabulary of `vocabSize`, as counts
 * and a percentage. (arch-config's `embeddingShare(config)` is the same figure as a fraction.)
 */
export function vocabParamShare(vocabSize: number, model: ParamShareModel): ParamShare {
  const embeddingParams = vocabSize * model.hiddenSize * (model.tiedEmbeddings ? 1 : 2);
  const body = nonEmbeddingParams(model);
  const totalParams = embeddingParams + body;
  return { vocabSize, embeddingParams, nonEmbeddingParams: body, totalParams, percent: (100 * embeddingParams) / totalParams };
}

/** @deprecated Renamed to vocabParamShare (arch-config's embeddingShare returns a fraction); the old name goes in 0.3. */
export const embeddingShare = vocabParamShare;
