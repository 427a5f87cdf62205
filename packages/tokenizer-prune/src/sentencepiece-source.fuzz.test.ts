// Fuzzing the SentencePiece path of loadTokenizer (tooling/fuzz/harness.ts): mutants of a real
// spm_train BPE model (convert2hf's fixture sp-bpe.model, 5 KB) go through hf-io's ModelProto
// reader, this package's model-type check and fingerprint, the SentencePiece encoder built from
// it, and a short encode / decode.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { fuzz, mutants } from '../../../tooling/fuzz/harness';
import { tokenizerFromSource } from './tokenizer';
import { tokenizerSourceFromBytes } from './tokenizer-source';

const SP_BPE = fileURLToPath(new URL('../../convert2hf/src/__fixtures__/sp-bpe.model', import.meta.url));
const TEXT = 'Hello world, héllo wörld 😀 12';

describe('fuzz: SentencePiece .model', () => {
  it('mutants of a BPE model load or are refused with a tinylm error', async () => {
    await fuzz('sentencepiece-model', mutants([new Uint8Array(readFileSync(SP_BPE))]), (input) => {
      const tokenizer = tokenizerFromSource(tokenizerSourceFromBytes(input, 'tokenizer.model'));
      tokenizer.decode(tokenizer.encode(TEXT));
    });
  });
});
