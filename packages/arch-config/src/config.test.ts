// Tests of config.ts: defaults, FFN derivation (InternEvo rounding) and the mlpRatio/intermediateSize rule.
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, headDim, kvDim, resolveConfig } from './config';
import { ConfigValueError } from './errors';

const core = { vocabSize: 48000, hiddenSize: 1792, numLayers: 20, numHeads: 14 };

describe('resolveConfig', () => {
  it('fills the documented defaults', () => {
    const c = resolveConfig(core);
    expect(c).toEqual({
      ...core,
      numKvHeads: 14,
      intermediateSize: 4864, // mlpRatio 8/3 by InternEvo's rule
      ropeTheta: 10000,
      rmsNormEps: 1e-5,
      maxPositionEmbeddings: 2048,
      tieWordEmbeddings: false,
      initStd: 0.02,
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(CONFIG_DEFAULTS.rmsNormEps).toBe(1e-5);
  });

  it('derives the FFN from mlpRatio and multipleOf', () => {
    expect(resolveConfig({ ...core, mlpRatio: 4 }).intermediateSize).toBe(7168);
    expect(resolveConfig({ ...core, hiddenSize: 128, numHeads: 4, mlpRatio: 8 / 3, multipleOf: 32 }).intermediateSize).toBe(352);
    expect(resolveConfig({ ...core, intermediateSize: 5000 }).intermediateSize).toBe(5000);
  });

  it('accepts intermediateSize and mlpRatio together only when they agree', () => {
    expect(resolveConfig({ ...core, intermediateSize: 4864, mlpRatio: 8 / 3 }).intermediateSize).toBe(4864);
    expect(() => resolveConfig({ ...core, intermediateSize: 5000, mlpRatio: 8 / 3 })).toThrow(
      'mlpRatio = 2.6666666666666665 is invalid: it gives intermediateSize 4864 (hiddenSize 1792, multipleOf 256) but intermediateSize is 5000',
    );
  });

  it('keeps optional ids only when given, and copies eos lists', () => {
    const ids = [2, 3];
    const c = resolveConfig({ ...core, bosTokenId: 1, eosTokenId: ids });
    expect(c.bosTokenId).toBe(1);
    expect(c.eosTokenId).toEqual([2, 3]);
    ids.push(4);
    expect(c.eosTokenId).toEqual([2, 3]);
    expect('padTokenId' in c).toBe(false);
  });

  it('rejects bad mlpRatio and multipleOf with the field named', () => {
    for (const [input, field] of [
      [{ ...core, mlpRatio: 0 }, 'mlpRatio'],
      [{ ...core, mlpRatio: Number.NaN }, 'mlpRatio'],
      [{ ...core, multipleOf: 0 }, 'multipleOf'],
      [{ ...core, multipleOf: 2.5 }, 'multipleOf'],
    ] as const) {
      try {
        resolveConfig(input);
        expect.unreachable();
      } catch (e) {
        expect(ConfigValueError.isInstance(e)).toBe(true);
        expect((e as ConfigValueError).field).toBe(field);
      }
    }
  });

  it('reports a missing core size by name (from untyped JSON)', () => {
    expect(() => resolveConfig({ vocabSize: 10, numLayers: 2, numHeads: 2 } as never)).toThrow(
      'hiddenSize = undefined is invalid: it is missing; allowed: a positive integer',
    );
  });
});

describe('headDim / kvDim', () => {
  it('computes head and KV widths', () => {
    const c = resolveConfig({ vocabSize: 32000, hiddenSize: 2048, numLayers: 22, numHeads: 32, numKvHeads: 4, intermediateSize: 5632 });
    expect(headDim(c)).toBe(64);
    expect(kvDim(c)).toBe(256);
  });
});
