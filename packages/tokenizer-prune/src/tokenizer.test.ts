// The runtime Tokenizer: loads a tokenizer.json, a .model or a folder; its special ids come from
// the tokenizer's own config and pieces; its hash is the one count files record; encode/decode
// agree with tokenizers.js and python3-sentencepiece; a pruned folder loads the same way.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@tinylm/errors';
import { countTokens } from './count-tokens';
import { hfEncode, hfLoad, LLAMA2_DIR, LLAMA2_JSON, QWEN3_DIR } from './__fixtures__/hf';
import { pyEncode, spmTools, TRAIN_TEXT, trainSpm } from './__fixtures__/spm';
import { useSharedTempDir } from './__fixtures__/temp';
import { HARD_TEXTS, heldOutLines, trainLines } from './__fixtures__/texts';
import { pruneTokenizer } from './prune-tokenizer';
import { loadTokenizer } from './tokenizer';

const shared = useSharedTempDir();
const tools = spmTools();

describe('loadTokenizer', () => {
  it('Qwen3 folder: special ids from tokenizer_config.json, encode equal to tokenizers.js, no BOS added', async () => {
    const tok = await loadTokenizer(QWEN3_DIR);
    expect(tok.kind).toBe('bpe-byte-level');
    expect(tok.vocabSize).toBe(151669);
    expect([tok.bosId, tok.eosId, tok.padId, tok.unkId]).toEqual([null, 151645, 151643, null]);
    const hf = hfLoad(QWEN3_DIR);
    // Our wrapper swaps tokenizers.js' BPE cache for a faster one; the ids must not change.
    for (const t of [...HARD_TEXTS, ...heldOutLines(), ...trainLines()]) expect(tok.encode(t)).toEqual(hfEncode(hf, t));
    const ids = tok.encode('Hello 世界 🌍');
    expect(tok.decode(ids)).toBe('Hello 世界 🌍');
    // special tokens are left out unless asked for
    expect(tok.decode([...ids, tok.eosId!])).toBe('Hello 世界 🌍');
    expect(tok.decode([...ids, tok.eosId!], { skipSpecialTokens: true })).toBe('Hello 世界 🌍');
    expect(tok.decode([...ids, tok.eosId!], { skipSpecialTokens: false })).toBe('Hello 世界 🌍<|im_end|>');
    expect(tok.decode([])).toBe('');
    for (const bad of [151669, -1, 1.5, Number.NaN]) {
      expect(() => tok.decode([5, bad])).toThrow(InvalidArgumentError);
    }
    expect(() => tok.decode([5, 151669])).toThrow(/decode: ids\[1\] = 151669 is invalid: no token of .* has it; allowed: ids 0\.\.151668/);
  });

  it('Llama-2-style tokenizer.json: <s>, </s>, <unk>; encode adds no BOS; round trip', async () => {
    const tok = await loadTokenizer(LLAMA2_JSON);
    expect(tok.kind).toBe('bpe-byte-fallback');
    expect([tok.bosId, tok.eosId, tok.padId, tok.unkId]).toEqual([1, 2, null, 0]);
    const ids = tok.encode('  two spaces, 日本語, 🤖');
    expect(ids[0]).not.toBe(1);
    expect(tok.decode(ids)).toBe('  two spaces, 日本語, 🤖');
    expect(tok.tokenToId('<0x0A>')).toBe(tok.encode('\n').at(-1));
    expect(tok.idToToken(1)).toBe('<s>');
  });

  it('its hash is the one count files record', async () => {
    const counts = await countTokens({ tokenizer: LLAMA2_DIR, inputs: [TRAIN_TEXT], workers: 0 });
    expect((await loadTokenizer(LLAMA2_JSON)).hash).toBe(counts.tokenizer.hash);
    expect((await loadTokenizer(QWEN3_DIR)).hash).not.toBe(counts.tokenizer.hash);
  });

  it('a pruned folder loads, with the special ids mapped', async () => {
    const counts = await countTokens({ tokenizer: LLAMA2_DIR, inputs: [TRAIN_TEXT], workers: 0 });
    const out = join(shared.dir, 'pruned-llama');
    await pruneTokenizer({ tokenizer: LLAMA2_DIR, counts, vocabSize: 1000, out });
    const tok = await loadTokenizer(out);
    expect(tok.vocabSize).toBe(1000);
    expect([tok.bosId, tok.eosId, tok.unkId]).toEqual([1, 2, 0]);
    expect(tok.decode(tok.encode('manual pages, 手册'))).toBe('manual pages, 手册');
  });

  describe.skipIf(!tools)('SentencePiece .model', () => {
    let model: string;
    beforeAll(() => {
      model = trainSpm(shared.dir, 'rt', { model_type: 'unigram', vocab_size: 1600, byte_fallback: true, character_coverage: 0.995 });
    });

    it('special ids from the control pieces, encode equal to python3-sentencepiece, folder with tokenizer.model', async () => {
      const tok = await loadTokenizer(model);
      expect(tok.kind).toBe('sentencepiece-unigram');
      expect([tok.unkId, tok.bosId, tok.eosId, tok.padId]).toEqual([0, 1, 2, null]);
      expect(HARD_TEXTS.map((t) => tok.encode(t))).toEqual(pyEncode(tools!, model, [...HARD_TEXTS]));
      expect(tok.decode([1, ...tok.encode('hello'), 2])).toBe('hello');
      expect(() => tok.decode([1, 1600])).toThrow(/decode: ids\[1\] = 1600 is invalid.*allowed: ids 0\.\.1599/);
      const dir = join(shared.dir, 'spm-folder');
      mkdirSync(dir);
      writeFileSync(join(dir, 'tokenizer.model'), await import('node:fs').then((fs) => fs.readFileSync(model)));
      writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>', eos_token: '</s>', pad_token: '<unk>' }));
      const fromDir = await loadTokenizer(dir);
      expect(fromDir.hash).toBe(tok.hash);
      expect(fromDir.padId).toBe(0);
    });
  });
});
