// Bad input to pruneTokenizer: a size below the specials + byte alphabet (the error says the
// minimum), an empty corpus, counts made with another tokenizer, unreadable or truncated files;
// and nothing half-written in the output folder when it fails.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from './count-tokens';
import type { TokenCounts } from './count-file';
import { CorpusError, CountFileError, TokenizerFormatError, TokenizerMismatchError, VocabSizeError } from './errors';
import { OutputExistsError, TinylmError } from '@tinylm/hf-io';
import { LLAMA2_DIR, QWEN3_DIR } from './__fixtures__/hf';
import { TRAIN_TEXT } from './__fixtures__/spm';
import { useTempDir } from './__fixtures__/temp';
import { pruneTokenizer } from './prune-tokenizer';

const tmp = useTempDir();

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('it did not fail');
}

/** No output folder and no temporary sibling of it. */
function nothingLeft(out: string): void {
  expect(existsSync(out)).toBe(false);
  const base = out.split('/').pop()!;
  expect(readdirSync(dirname(out)).filter((n) => n.startsWith(base))).toEqual([]);
}

describe('pruneTokenizer refuses bad input', () => {
  let counts: TokenCounts;
  let countsFile: string;
  beforeAll(async () => {
    counts = await countTokens({ tokenizer: LLAMA2_DIR, inputs: [TRAIN_TEXT], workers: 0 });
  });

  it('a size below the specials + byte alphabet: the error says the minimum', async () => {
    const out = join(tmp.dir, 'out');
    const e = await failure(pruneTokenizer({ tokenizer: LLAMA2_DIR, counts, vocabSize: 100, out }));
    expect(VocabSizeError.isInstance(e)).toBe(true);
    // 3 added tokens, 256 byte pieces, "▁", and the authors'-rule token "<?>" with its ancestors.
    expect((e as VocabSizeError).minimum).toBeGreaterThanOrEqual(260);
    expect(e.message).toContain(`must be an integer from ${(e as VocabSizeError).minimum}`);
    expect(e.message).toContain('to 32000');
    nothingLeft(out);
    const above = await failure(pruneTokenizer({ tokenizer: LLAMA2_DIR, counts, vocabSize: 40000, out }));
    expect(VocabSizeError.isInstance(above)).toBe(true);
    nothingLeft(out);
  });

  it('an empty corpus', async () => {
    const empty: TokenCounts = { ...counts, total: 0, documents: 0, bytes: 0, counts: {} };
    const out = join(tmp.dir, 'out');
    const e = await failure(pruneTokenizer({ tokenizer: LLAMA2_DIR, counts: empty, vocabSize: 1000, out }));
    expect(CorpusError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(/no tokens were counted \(an empty corpus\)/);
    nothingLeft(out);
  });

  it('counts made with another tokenizer', async () => {
    countsFile = join(tmp.dir, 'counts.json');
    writeFileSync(countsFile, JSON.stringify(counts));
    const out = join(tmp.dir, 'out');
    const e = await failure(pruneTokenizer({ tokenizer: QWEN3_DIR, counts: countsFile, vocabSize: 1000, out }));
    expect(TokenizerMismatchError.isInstance(e)).toBe(true);
    expect(e.message).toContain(`${countsFile} was counted with another tokenizer`);
    expect(e.message).toContain(counts.tokenizer.hash);
    nothingLeft(out);
  });

  it('truncated, altered or unreadable count files, and truncated tokenizers', async () => {
    const out = join(tmp.dir, 'out');
    const file = join(tmp.dir, 'counts.json');
    const text = JSON.stringify(counts);
    writeFileSync(file, text.slice(0, text.length / 2));
    let e = await failure(pruneTokenizer({ tokenizer: LLAMA2_DIR, counts: file, vocabSize: 1000, out }));
    expect(CountFileError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(/counts\.json: not valid JSON, the file may be truncated/);
    writeFileSync(file, JSON.stringify({ ...counts, total: counts.total + 5 }));
    e = await failure(pruneTokenizer({ tokenizer: LLAMA2_DIR, counts: file, vocabSize: 1000, out }));
    expect(e.message).toMatch(/but the counts add up to/);
    e = await failure(pruneTokenizer({ tokenizer: LLAMA2_DIR, counts: join(tmp.dir, 'nope.json'), vocabSize: 1000, out }));
    expect(e.message).toMatch(/nope\.json: cannot read/);
    const dir = join(tmp.dir, 'tok');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(LLAMA2_DIR, 'tokenizer.json')).subarray(0, 100000));
    e = await failure(pruneTokenizer({ tokenizer: dir, counts, vocabSize: 1000, out }));
    expect(TokenizerFormatError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(/tok\/tokenizer\.json: not valid JSON, the file may be truncated/);
    expect(TinylmError.isInstance(e)).toBe(true);
    nothingLeft(out);
  });

  it('leaves nothing half-written when it fails late, and never replaces an existing folder without force', async () => {
    const out = join(tmp.dir, 'out');
    // Fails after the selection, while measuring the held-out text.
    let e = await failure(pruneTokenizer({ tokenizer: LLAMA2_DIR, counts, vocabSize: 1000, out, heldOut: [join(tmp.dir, 'missing.txt')] }));
    expect(CorpusError.isInstance(e)).toBe(true);
    nothingLeft(out);
    // Fails while creating the folder (its parent is a file).
    writeFileSync(join(tmp.dir, 'a-file'), 'x');
    e = await failure(pruneTokenizer({ tokenizer: LLAMA2_DIR, counts, vocabSize: 1000, out: join(tmp.dir, 'a-file', 'out') }));
    expect((e as NodeJS.ErrnoException).code).toMatch(/ENOTDIR|EEXIST/);
    mkdirSync(out);
    writeFileSync(join(out, 'keep-me'), 'old');
    e = await failure(pruneTokenizer({ tokenizer: LLAMA2_DIR, counts, vocabSize: 1000, out }));
    expect(OutputExistsError.isInstance(e)).toBe(true);
    expect(readdirSync(out)).toEqual(['keep-me']);
    await pruneTokenizer({ tokenizer: LLAMA2_DIR, counts, vocabSize: 1000, out, force: true });
    expect(readdirSync(out).sort()).toEqual(['prune-report.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab-map.json']);
    expect(readdirSync(tmp.dir).filter((n) => n.startsWith('out.'))).toEqual([]);
  });
});
