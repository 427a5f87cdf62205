// Reading tokenizers: the two BPE kinds in use today are recognised in the real files, and
// everything else (WordPiece, Unigram tokenizer.json, unknown types, BPE that cannot stay
// lossless, malformed, truncated, empty or missing files) is refused with an error that names
// the file and says what is supported. The fingerprint ignores formatting but not content.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenizerFormatError } from './errors';
import { LLAMA2_JSON, QWEN3_JSON } from './__fixtures__/hf';
import { useTempDir } from './__fixtures__/temp';
import { readTokenizerSource } from './tokenizer-source';

const tmp = useTempDir();

async function refusal(path: string): Promise<TokenizerFormatError> {
  try {
    await readTokenizerSource(path);
  } catch (e) {
    if (TokenizerFormatError.isInstance(e)) return e;
    throw e;
  }
  throw new Error(`${path} was accepted`);
}

function writeJson(name: string, value: unknown): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

const llama = () => JSON.parse(readFileSync(LLAMA2_JSON, 'utf8'));

describe('readTokenizerSource', () => {
  it('recognises Qwen3 as byte-level BPE and the Llama-2-style file as byte-fallback BPE', async () => {
    const qwen = await readTokenizerSource(QWEN3_JSON);
    expect(qwen.format).toBe('tokenizer.json');
    if (qwen.format !== 'tokenizer.json') return;
    expect(qwen.bpe.kind).toBe('byte-level');
    expect(qwen.vocabSize).toBe(151669);
    expect(qwen.bpe.mergesAsStrings).toBe(false);
    expect(qwen.config?.eos_token).toBe('<|im_end|>');
    const l2 = await readTokenizerSource(LLAMA2_JSON);
    if (l2.format !== 'tokenizer.json') throw new Error('expected tokenizer.json');
    expect(l2.bpe.kind).toBe('byte-fallback');
    expect(l2.vocabSize).toBe(32000);
    expect(l2.bpe.mergesAsStrings).toBe(true);
    expect(l2.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('refuses WordPiece, Unigram tokenizer.json and unknown model types, naming the file and what is supported', async () => {
    const wordpiece = writeJson('wordpiece.json', {
      version: '1.0',
      added_tokens: [],
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', vocab: { '[UNK]': 0, a: 1, '##b': 2 } },
    });
    const unigram = writeJson('unigram.json', { model: { type: 'Unigram', unk_id: 0, vocab: [['<unk>', 0]] } });
    const mystery = writeJson('mystery.json', { model: { type: 'Mystery' } });
    for (const [path, type] of [
      [wordpiece, 'WordPiece'],
      [unigram, 'Unigram'],
      [mystery, 'Mystery'],
    ]) {
      const e = await refusal(path);
      expect(e.message).toContain(path);
      expect(e.message).toContain(`model type "${type}" is not supported`);
      expect(e.message).toContain('supported: a Hugging Face tokenizer.json with a BPE model');
      expect(e.file).toBe(path);
    }
  });

  it('refuses BPE that could not stay lossless, prefixes it does not handle, and inconsistent files', async () => {
    const noBytes = llama();
    noBytes.model.byte_fallback = false;
    const prefix = llama();
    prefix.model.continuing_subword_prefix = '##';
    const badMerge = llama();
    badMerge.model.merges[5] = '▁ zzzqqq';
    const missingByte = llama();
    delete missingByte.model.vocab['<0x00>'];
    const badId = llama();
    badId.model.vocab['▁t'] = -4;
    const cases: [unknown, RegExp][] = [
      [noBytes, /neither byte-level .* nor byte_fallback cannot encode every text/],
      [prefix, /continuing_subword_prefix "##" is not supported/],
      [badMerge, /merge 5 \("▁", "zzzqqq"\) uses or makes a token missing from model.vocab/],
      [missingByte, /byte piece <0x00> is not in model.vocab/],
      [badId, /model.vocab\["▁t"\] = -4 is not a non-negative integer id/],
      [{ nothing: true }, /no "model" object/],
    ];
    for (const [json, message] of cases) {
      const path = writeJson('bad.json', json);
      const e = await refusal(path);
      expect(e.message).toMatch(message);
      expect(e.message.startsWith(path)).toBe(true);
    }
  });

  it('refuses truncated, empty, missing files and folders without a tokenizer', async () => {
    const truncated = join(tmp.dir, 'tokenizer.json');
    writeFileSync(truncated, readFileSync(LLAMA2_JSON).subarray(0, 5000));
    expect((await refusal(truncated)).message).toMatch(/tokenizer\.json: not valid JSON, the file may be truncated/);
    const empty = join(tmp.dir, 'empty.model');
    writeFileSync(empty, '');
    expect((await refusal(empty)).message).toMatch(/empty\.model: the file is empty/);
    const missing = join(tmp.dir, 'nope', 'tokenizer.json');
    expect((await refusal(missing)).message).toMatch(/nope\/tokenizer\.json: no such file or folder/);
    const folder = join(tmp.dir, 'folder');
    mkdirSync(folder);
    expect((await refusal(folder)).message).toMatch(/folder: the folder holds neither tokenizer\.json nor tokenizer\.model/);
    const garbage = join(tmp.dir, 'garbage.model');
    writeFileSync(garbage, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]));
    expect((await refusal(garbage)).message).toMatch(/garbage\.model: not a valid SentencePiece model/);
  });

  it('prefers tokenizer.json in a folder and reads tokenizer_config.json beside it', async () => {
    const dir = join(tmp.dir, 'both');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tokenizer.json'), readFileSync(LLAMA2_JSON));
    writeFileSync(join(dir, 'tokenizer.model'), 'not read');
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>' }));
    const s = await readTokenizerSource(dir);
    expect(s.path).toBe(join(dir, 'tokenizer.json'));
    expect(s.config).toEqual({ bos_token: '<s>' });
  });

  it('fingerprints content, not formatting: key order and merge notation do not change the hash, merges do', async () => {
    const original = await readTokenizerSource(LLAMA2_JSON);
    const reformatted = llama();
    reformatted.model.merges = reformatted.model.merges.map((m: string) => m.split(' '));
    const reordered = { model: reformatted.model, ...Object.fromEntries(Object.entries(reformatted).reverse()) };
    const same = await readTokenizerSource(writeJson('same.json', reordered));
    expect(same.hash).toBe(original.hash);
    const swapped = llama();
    [swapped.model.merges[10], swapped.model.merges[11]] = [swapped.model.merges[11], swapped.model.merges[10]];
    expect((await readTokenizerSource(writeJson('swapped.json', swapped))).hash).not.toBe(original.hash);
  });
});
