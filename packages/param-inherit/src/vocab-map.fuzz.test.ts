// Fuzzing vocab-map.json (issue 18): mutants of valid maps (as tokenizer-prune writes them) go
// through parseVocabMapText; the shared harness checks that each gives a map or a tinylm error,
// within the time and memory bounds (docs/security.md).
import { describe, it } from 'vitest';
import { fuzz, jsonMutants } from '../../../tooling/fuzz/harness';
import { parseVocabMapText } from './vocab-map';

/** A monotone map keeping every `step`-th of `n` old ids, the shape tokenizer-prune writes. */
const keepEvery = (n: number, step: number) =>
  Object.fromEntries(Array.from({ length: Math.ceil(n / step) }, (_, i) => [String(i * step), i]));

const SOURCE_VOCAB = 4096;
const SEEDS = [keepEvery(16, 1), keepEvery(4096, 7), { 0: 0, 3: 1, 4095: 2 }];

describe('fuzz: vocab-map.json', () => {
  it('mutated maps give a map or a VocabMapError', async () => {
    await fuzz('param-inherit-vocab-map', jsonMutants(SEEDS), (bytes) =>
      parseVocabMapText(new TextDecoder().decode(bytes), SOURCE_VOCAB, 'vocab-map.json'),
    );
  });
});
