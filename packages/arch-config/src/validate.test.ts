// Tests of validate.ts: every constraint, with messages naming field, value and what is allowed.
import { describe, expect, it } from 'vitest';
import { resolveConfig, type LlamaConfig } from './config';
import { ConfigValueError } from './errors';
import { validateConfig } from './validate';

const good: LlamaConfig = resolveConfig({
  vocabSize: 1000,
  hiddenSize: 256,
  numLayers: 4,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 688,
});

function errorOf(patch: Partial<Record<keyof LlamaConfig, unknown>>, source?: string): ConfigValueError {
  try {
    validateConfig({ ...good, ...patch } as LlamaConfig, source);
  } catch (e) {
    if (ConfigValueError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a ConfigValueError');
}

describe('validateConfig', () => {
  it('returns a valid config unchanged', () => {
    expect(validateConfig(good)).toBe(good);
  });

  it('hidden size not divisible by heads: names both and suggests sizes', () => {
    const e = errorOf({ hiddenSize: 250 });
    expect(e.field).toBe('hiddenSize');
    expect(e.message).toBe(
      'hiddenSize = 250 is invalid: it is not divisible by numHeads 4; allowed: a multiple of numHeads 4 (e.g. 248 or 252)',
    );
  });

  it('heads not divisible by KV heads: lists the divisors', () => {
    const e = errorOf({ numHeads: 8, hiddenSize: 256, numKvHeads: 3 });
    expect(e.field).toBe('numKvHeads');
    expect(e.message).toContain(
      'numKvHeads = 3 is invalid: numHeads 8 is not divisible by it; allowed: a divisor of numHeads 8: 1, 2, 4, 8',
    );
  });

  it('odd head size: explains rotary embeddings and lists head counts that work', () => {
    const e = errorOf({ hiddenSize: 120, numHeads: 8, numKvHeads: 8 }); // head size 15
    expect(e.field).toBe('numHeads');
    expect(e.message).toContain('head size 120 / 8 = 15 is odd and rotary embeddings rotate channel pairs');
    expect(e.message).toContain('e.g. 1, 2, 3, 4, 5, 6');
  });

  it.each([
    ['vocabSize', 0],
    ['vocabSize', -5],
    ['hiddenSize', 256.5],
    ['numLayers', 0],
    ['numHeads', Number.NaN],
    ['numKvHeads', 0],
    ['intermediateSize', 1.5],
    ['maxPositionEmbeddings', '2048'],
  ])('non-positive or non-integer size %s = %s', (field, value) => {
    const e = errorOf({ [field]: value });
    expect(e.field).toBe(field);
    expect(e.value).toBe(value);
    expect(e.allowed).toBe('a positive integer');
  });

  it.each([
    ['ropeTheta', 0],
    ['rmsNormEps', -1e-5],
    ['initStd', Number.POSITIVE_INFINITY],
  ])('non-positive float %s', (field, value) => {
    expect(errorOf({ [field]: value }).field).toBe(field);
  });

  it('token ids must lie inside the vocabulary', () => {
    expect(errorOf({ bosTokenId: 1000 }).message).toContain(
      'bosTokenId = 1000 is invalid: allowed: an integer in [0, 1000) (vocabSize 1000), or leave it out',
    );
    expect(errorOf({ padTokenId: -1 }).field).toBe('padTokenId');
    expect(errorOf({ eosTokenId: [2, 5000] }).field).toBe('eosTokenId[1]');
    expect(errorOf({ eosTokenId: [] }).field).toBe('eosTokenId');
    expect(validateConfig({ ...good, eosTokenId: [1, 2], bosTokenId: 0, padTokenId: 999 })).toBeTruthy();
  });

  it('tieWordEmbeddings must be a boolean', () => {
    expect(errorOf({ tieWordEmbeddings: 'false' }).field).toBe('tieWordEmbeddings');
  });

  it('quotes the source in the message', () => {
    expect(errorOf({ numLayers: 0 }, 'my-model.json').message).toMatch(/^my-model\.json: numLayers = 0 is invalid/);
  });
});
