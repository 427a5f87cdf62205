// SentencePiece models with a broken precompiled charsmap (the normalizer's rule trie): found by
// the 100,000-case campaign (`npm run fuzz`, seed 928060429, case 31491: a mutant whose charsmap
// is cut to its header), which got a plain Error; then every other way the trie header can lie.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSentencePieceModel } from '@tinylm/hf-io';
import { describe, expect, it } from 'vitest';
import { TokenizerFormatError } from './errors';
import { SentencePieceEncoder } from './sentencepiece-encoder';
import { tokenizerFromSource } from './tokenizer';
import { tokenizerSourceFromBytes } from './tokenizer-source';

const fixture = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(name, import.meta.url))));
const SP_BPE = fixture('../../convert2hf/src/__fixtures__/sp-bpe.model');

function withCharsmap(blob: Uint8Array) {
  const model = parseSentencePieceModel(SP_BPE);
  return { ...model, normalizerSpec: { ...model.normalizerSpec, precompiledCharsmap: blob } };
}

const header = (trieSize: number, rest: number) => {
  const b = new Uint8Array(4 + rest);
  new DataView(b.buffer).setUint32(0, trieSize, true);
  return b;
};

describe('a broken precompiled_charsmap', () => {
  it('the campaign reproducer is a TokenizerFormatError naming the file and the field', () => {
    expect(() => tokenizerFromSource(tokenizerSourceFromBytes(fixture('./__fixtures__/fuzz-sp-charsmap-cut.model'), 'cut.model'))).toThrow(
      /^cut.model: normalizer_spec.precompiled_charsmap is broken: /,
    );
  });

  it.each([
    ['shorter than the header', new Uint8Array(3), /3 bytes, shorter than its 4-byte header/],
    ['a trie of 0 bytes', header(0, 8), /claims 0 bytes/],
    ['a trie past the blob', header(12, 8), /claims 12 bytes; allowed: a positive multiple of 4, at most the 8 bytes/],
    ['a trie not in 4-byte units', header(6, 8), /claims 6 bytes/],
  ])('%s is refused before it is read', (_, blob, message) => {
    try {
      new SentencePieceEncoder(withCharsmap(blob), 'x.model');
      expect.unreachable();
    } catch (error) {
      expect(TokenizerFormatError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as TokenizerFormatError).field).toBe('precompiled_charsmap');
    }
  });

  it('a trie that fills the blob exactly (an empty replacement table) still loads', () => {
    const blob = header(8, 8);
    expect(() => new SentencePieceEncoder(withCharsmap(blob), 'x.model').encode('abc')).not.toThrow();
  });
});
