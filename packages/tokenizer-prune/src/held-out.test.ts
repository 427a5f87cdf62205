// Held-out text is read as corpus inputs are counted: a .jsonl file by its records' text field
// (its JSON syntax never counts as text), a .txt file line by line; so the same texts give the
// same held-out report either way, and a bad JSONL line is reported with its file and line.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from './count-tokens';
import type { TokenCounts } from './count-file';
import { CorpusError } from './errors';
import { LLAMA2_DIR } from './__fixtures__/hf';
import { TRAIN_TEXT } from './__fixtures__/spm';
import { useSharedTempDir } from './__fixtures__/temp';
import { heldOutLines } from './__fixtures__/texts';
import { readHeldOutTexts } from './held-out';
import { pruneTokenizer } from './prune-tokenizer';

const shared = useSharedTempDir();

async function collect(file: string, reading?: Parameters<typeof readHeldOutTexts>[1]): Promise<string[]> {
  const out: string[] = [];
  for await (const text of readHeldOutTexts(file, reading)) out.push(text);
  return out;
}

describe('held-out text', () => {
  let counts: TokenCounts;
  let texts: string[];
  let txt: string;
  let jsonl: string;
  beforeAll(async () => {
    counts = await countTokens({ tokenizer: LLAMA2_DIR, inputs: [TRAIN_TEXT], workers: 0 });
    texts = heldOutLines().slice(0, 80);
    txt = join(shared.dir, 'held-out.txt');
    jsonl = join(shared.dir, 'held-out.jsonl');
    writeFileSync(txt, texts.join(''));
    writeFileSync(jsonl, texts.map((t, i) => `${JSON.stringify({ id: i, text: t })}\n`).join(''));
  });

  it('reads a .jsonl file by its text field and a .txt file by lines', async () => {
    expect(await collect(txt)).toEqual(texts);
    expect(await collect(jsonl)).toEqual(texts);
    const other = join(shared.dir, 'body.jsonl');
    writeFileSync(other, texts.map((t) => `${JSON.stringify({ body: t })}\n`).join(''));
    expect(await collect(other, { textField: 'body' })).toEqual(texts);
    // Forced to text, a JSONL file is its lines of JSON.
    expect((await collect(jsonl, { format: 'text' }))[0]).toBe(`${JSON.stringify({ id: 0, text: texts[0] })}\n`);
  });

  it('gives a JSONL file the report of the same texts as a .txt file', async () => {
    const fromTxt = await pruneTokenizer({ tokenizer: LLAMA2_DIR, counts, vocabSize: 1000, out: join(shared.dir, 'txt'), heldOut: [txt] });
    const fromJsonl = await pruneTokenizer({
      tokenizer: LLAMA2_DIR,
      counts,
      vocabSize: 1000,
      out: join(shared.dir, 'jsonl'),
      heldOut: [jsonl],
    });
    const { files: txtFiles, ...txtReport } = fromTxt.report.heldOut!;
    const { files: jsonlFiles, ...jsonlReport } = fromJsonl.report.heldOut!;
    expect(txtFiles).toEqual([txt]);
    expect(jsonlFiles).toEqual([jsonl]);
    expect(jsonlReport).toEqual(txtReport);
    expect(txtReport.lines).toBe(texts.length);
    expect(txtReport.bytes).toBe(Buffer.byteLength(texts.join(''), 'utf8'));
  });

  it('names the file and line of a bad JSONL line', async () => {
    const bad = join(shared.dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ text: 'fine\n' })}\n\n{"text": oops}\n`);
    const e = await collect(bad).catch((error) => error);
    expect(CorpusError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 3: not valid JSON`));
    expect(e.file).toBe(bad);
    const noField = join(shared.dir, 'no-field.jsonl');
    writeFileSync(noField, `${JSON.stringify({ body: 'x' })}\n`);
    const missing = await pruneTokenizer({
      tokenizer: LLAMA2_DIR,
      counts,
      vocabSize: 1000,
      out: join(shared.dir, 'no-field'),
      heldOut: [noField],
    }).catch((error) => error);
    expect(CorpusError.isInstance(missing)).toBe(true);
    expect(missing.message).toBe(`${noField}: line 1: no string field "text" (got null)`);
  });
});
