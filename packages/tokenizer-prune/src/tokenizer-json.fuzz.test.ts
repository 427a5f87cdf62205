// Fuzzing the tokenizer.json path (tooling/fuzz/harness.ts): mutants of two small, complete
// tokenizer.json files (byte-level and byte-fallback BPE, __fixtures__/small-tokenizers.ts) go
// through what `loadTokenizer` does with a file's bytes (parse, validate, fingerprint, build the
// tokenizers.js pipeline) and a short encode / decode. Each must load or be refused with a tinylm
// error, within the harness' time and memory bounds.

import { describe, it } from 'vitest';
import { fuzz, jsonMutants } from '../../../tooling/fuzz/harness';
import { jsonFieldMutants } from './__fixtures__/json-field-mutants';
import { smallByteFallbackJson, smallByteLevelJson } from './__fixtures__/small-tokenizers';
import { tokenizerFromSource } from './tokenizer';
import { tokenizerSourceFromBytes } from './tokenizer-source';

const TEXT = 'Hello world, héllo wörld 😀 12 <s>';

/** Reads one tokenizer.json as loadTokenizer would, then encodes and decodes a short text. */
export function readTokenizerJson(input: Uint8Array): void {
  const tokenizer = tokenizerFromSource(tokenizerSourceFromBytes(input, 'tokenizer.json'));
  const ids = tokenizer.encode(TEXT);
  tokenizer.decode(ids.filter((id) => tokenizer.idToToken(id) !== undefined));
}

describe('fuzz: tokenizer.json', () => {
  it('byte-level and byte-fallback BPE mutants load or are refused with a tinylm error', async () => {
    await fuzz('tokenizer-json', jsonMutants([smallByteLevelJson(), smallByteFallbackJson()]), readTokenizerJson);
  });

  it('mutants with hostile field values (ids past 2^32, wrong types, unknown types, deep nesting) are refused cleanly', async () => {
    await fuzz('tokenizer-json-fields', jsonFieldMutants([smallByteLevelJson(), smallByteFallbackJson()]), readTokenizerJson);
  });
});
