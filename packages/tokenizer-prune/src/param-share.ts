// The share of a model's parameters spent on the token embedding and the LM head, the number the
// compact tokenizer is meant to shrink (docs/method.md section 1: PanGu-π-1B Pro, vocabulary 48,000,
// hidden 1792, 20 layers: 18.07%). Counted for the LLaMA-2 layout the project uses (RMSNorm, no
// biases, SwiGLU FFN, untied embeddings), with the FFN width LLaMA derives from the hidden size
// (2/3 of 4h, rounded up to a multiple of 256) unless given. This package depends on hf-io only,
// so the count is repeated here rather than taken from arch-config.

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

/** LLaMA's FFN width for hidden size `h`: int(2 * 4h / 3) rounded up to a multiple of 256. */
export function llamaIntermediateSize(h: number): number {
  const hidden = Math.floor((2 * 4 * h) / 3);
  return 256 * Math.ceil(hidden / 256);
}

/** Parameters outside the embedding and head for the LLaMA-2 layout of `model`. */
export function nonEmbeddingParams(model: ParamShareModel): number {
  if (model.nonEmbeddingParams !== undefined) return model.nonEmbeddingParams;
  const h = model.hiddenSize;
  if (model.layers === undefined) throw new RangeError('layers (or nonEmbeddingParams) is needed to count the parameters');
  const ffn = model.intermediateSize ?? llamaIntermediateSize(h);
  const kvWidth = model.numHeads && model.numKvHeads ? (h * model.numKvHeads) / model.numHeads : h;
  const attention = 2 * h * h + 2 * h * kvWidth; // q, o and k, v projections
  const mlp = 3 * h * ffn; // gate, up, down
  const norms = 2 * h;
  return model.layers * (attention + mlp + norms) + h; // + the final norm
}

/** The embedding + head share of parameters of `model` with a vocabulary of `vocabSize`. */
export function embeddingShare(vocabSize: number, model: ParamShareModel): ParamShare {
  const embeddingParams = vocabSize * model.hiddenSize * (model.tiedEmbeddings ? 1 : 2);
  const body = nonEmbeddingParams(model);
  const totalParams = embeddingParams + body;
  return { vocabSize, embeddingParams, nonEmbeddingParams: body, totalParams, percent: (100 * embeddingParams) / totalParams };
}
