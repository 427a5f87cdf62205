// Our SentencePiece encoder/decoder against python3-sentencepiece (google/sentencepiece 0.1.97,
// Debian's build) on models spm_train trains here from the real corpus: every id and every
// decoded string must be equal, for BPE and Unigram, identity and nmt_nfkc normalization, byte
// fallback on and off, user-defined symbols and whitespace-as-suffix.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pyDecode, pyEncode, spmEncodeCli, spmTools, trainSpm } from './__fixtures__/spm';
import { useSharedTempDir } from './__fixtures__/temp';
import { HARD_TEXTS, heldOutLines, randomTexts, rng } from './__fixtures__/texts';
import { SentencePieceEncoder } from './sentencepiece-encoder';
import { parseSentencePieceModel } from '@tinylm/hf-io';

const tools = spmTools();
const shared = useSharedTempDir();

const CONFIGS: Record<string, Record<string, string | number | boolean>> = {
  'bpe, identity, byte fallback': {
    model_type: 'bpe',
    vocab_size: 2000,
    byte_fallback: true,
    character_coverage: 0.995,
    normalization_rule_name: 'identity',
    remove_extra_whitespaces: false,
  },
  'unigram, identity, byte fallback': {
    model_type: 'unigram',
    vocab_size: 2000,
    byte_fallback: true,
    character_coverage: 0.995,
    normalization_rule_name: 'identity',
    remove_extra_whitespaces: false,
  },
  'bpe, nmt_nfkc, byte fallback, user-defined symbols': {
    model_type: 'bpe',
    vocab_size: 1500,
    byte_fallback: true,
    user_defined_symbols: '<sep>,@@,manpath',
    split_digits: true,
  },
  'unigram, nmt_nfkc, byte fallback, user-defined symbols': {
    model_type: 'unigram',
    vocab_size: 1500,
    byte_fallback: true,
    user_defined_symbols: '<sep>,@@,manpath',
  },
  'unigram, nmt_nfkc, no byte fallback': { model_type: 'unigram', vocab_size: 1200, character_coverage: 0.99 },
  'bpe, nfkc_cf, whitespace as suffix': {
    model_type: 'bpe',
    vocab_size: 1200,
    byte_fallback: true,
    character_coverage: 0.98,
    normalization_rule_name: 'nfkc_cf',
    treat_whitespace_as_suffix: true,
  },
};

describe.skipIf(!tools)('SentencePiece encoder equals python3-sentencepiece', () => {
  const models: Record<string, string> = {};
  beforeAll(() => {
    Object.entries(CONFIGS).forEach(([name, args], i) => {
      models[name] = trainSpm(shared.dir, `m${i}`, args);
    });
  });

  const texts = [...heldOutLines(), ...HARD_TEXTS, ...HARD_TEXTS.map((t) => `<sep>${t}@@manpath`), ...randomTexts(60, 7)];

  for (const name of Object.keys(CONFIGS)) {
    it(`${name}: same ids on ${texts.length} texts, same decoded text`, () => {
      const path = models[name];
      const encoder = new SentencePieceEncoder(parseSentencePieceModel(readFileSync(path), path));
      const expected = pyEncode(tools!, path, texts);
      const ours = texts.map((t) => encoder.encode(t));
      for (let i = 0; i < texts.length; i++) expect(ours[i], JSON.stringify(texts[i])).toEqual(expected[i]);
      const decodedRef = pyDecode(tools!, path, expected);
      expect(expected.map((ids) => encoder.decode(ids))).toEqual(decodedRef);
    });
  }

  it('decodes arbitrary id sequences (control, unknown, stray and invalid byte pieces) as SentencePiece does', () => {
    const path = models['unigram, identity, byte fallback'];
    const encoder = new SentencePieceEncoder(parseSentencePieceModel(readFileSync(path), path));
    const next = rng(99);
    const seqs = Array.from({ length: 200 }, () =>
      Array.from({ length: 1 + Math.floor(next() * 12) }, () => Math.floor(next() * encoder.size)),
    );
    seqs.push([3, 4, 5], [0, 1, 2], [260 + 3, 4, 100]);
    expect(seqs.map((ids) => encoder.decode(ids))).toEqual(pyDecode(tools!, path, seqs));
  });

  it('equals the spm_encode command line too', () => {
    const path = models['bpe, identity, byte fallback'];
    const encoder = new SentencePieceEncoder(parseSentencePieceModel(readFileSync(path), path));
    const lines = heldOutLines()
      .slice(0, 100)
      .map((l) => l.replace(/\n$/, ''));
    expect(lines.map((l) => encoder.encode(l))).toEqual(spmEncodeCli(path, lines));
  });
});
