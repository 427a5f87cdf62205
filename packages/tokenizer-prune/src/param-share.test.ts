// The embedding + head share against the paper's figure: PanGu-π-1B Pro (hidden 1792, 20 layers
// in the released config, FFN 8/3 rounded to 256, 48,000 tokens) spends 18.07% of its
// parameters on them (docs/method.md section 1).

import { describe, expect, it } from 'vitest';
import { embeddingShare, llamaIntermediateSize, nonEmbeddingParams, vocabParamShare } from './param-share';

describe('vocabParamShare', () => {
  it("reproduces the paper's 18.07% for PanGu-π-1B Pro with 48k tokens", () => {
    const s = vocabParamShare(48000, { hiddenSize: 1792, layers: 20 });
    expect(s.embeddingParams).toBe(2 * 48000 * 1792);
    expect(s.percent.toFixed(2)).toBe('18.07');
  });

  it("uses LLaMA's FFN width rule and counts grouped-query attention, tied embeddings and a given body size", () => {
    expect(llamaIntermediateSize(1792)).toBe(4864);
    expect(llamaIntermediateSize(2048)).toBe(5632);
    expect(llamaIntermediateSize(4096)).toBe(11008);
    const h = 64;
    const full = nonEmbeddingParams({ hiddenSize: h, layers: 2, intermediateSize: 128 });
    expect(full).toBe(2 * (4 * h * h + 3 * h * 128 + 2 * h) + h);
    const gqa = nonEmbeddingParams({ hiddenSize: h, layers: 2, intermediateSize: 128, numHeads: 8, numKvHeads: 2 });
    expect(full - gqa).toBe(2 * 2 * h * (h - h / 4));
    expect(vocabParamShare(1000, { hiddenSize: h, nonEmbeddingParams: 64000, tiedEmbeddings: true }).percent).toBe(50);
    expect(() => vocabParamShare(1000, { hiddenSize: h })).toThrow(/layers \(or nonEmbeddingParams\)/);
    expect(embeddingShare).toBe(vocabParamShare);
  });
});
