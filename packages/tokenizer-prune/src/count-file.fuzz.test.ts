// Fuzzing count files (tooling/fuzz/harness.ts): mutants of a real count file (a count of the
// small byte-fallback tokenizer over a few lines of the training corpus) go through what
// pruneTokenizer and `tinylm count --merge` do with one: parse and validate it, check it against
// its tokenizer, expand it to a dense per-id array, and merge it with itself.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { fuzz, jsonMutants } from '../../../tooling/fuzz/harness';
import { jsonFieldMutants } from './__fixtures__/json-field-mutants';
import { smallByteFallbackJson } from './__fixtures__/small-tokenizers';
import { TRAIN_TEXT } from './__fixtures__/spm';
import { useSharedTempDir } from './__fixtures__/temp';
import { assertSameTokenizer, countsToArray, mergeTokenCounts, parseTokenCounts, type TokenCounts } from './count-file';
import { countTokens } from './count-tokens';

const tmp = useSharedTempDir();

describe('fuzz: count files', () => {
  let seed: TokenCounts;
  beforeAll(async () => {
    const dir = join(tmp.dir, 'tok');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(smallByteFallbackJson()));
    const corpus = join(tmp.dir, 'corpus.txt');
    writeFileSync(corpus, readFileSync(TRAIN_TEXT, 'utf8').split('\n').slice(0, 40).join('\n'));
    seed = await countTokens({ tokenizer: dir, inputs: [corpus], workers: 0 });
  });

  /** What pruneTokenizer and `tinylm count --merge` do with a count file's bytes. */
  const read = (input: Uint8Array) => {
    const counts = parseTokenCounts(new TextDecoder().decode(input), 'counts.json');
    assertSameTokenizer(counts, counts.tokenizer.hash, 'counts.json', 'tokenizer.json', seed.tokenizer.vocabSize);
    countsToArray(counts);
    mergeTokenCounts([counts, counts], ['a.json', 'b.json']);
  };

  it('mutants are read, checked and merged, or refused with a tinylm error', async () => {
    await fuzz('count-file', jsonMutants([seed]), read);
  });

  it('mutants with hostile field values (sizes past 2^32, wrong types, deep nesting) are refused cleanly', async () => {
    await fuzz('count-file-fields', jsonFieldMutants([seed]), read);
  });
});
