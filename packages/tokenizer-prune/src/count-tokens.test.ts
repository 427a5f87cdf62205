// countTokens over the three corpus formats, checked against tokenizers.js encoding the same
// units directly; worker threads give exactly the in-thread counts; count files record the
// tokenizer, merge, and refuse mixing tokenizers; memory stays flat on a large input; bad
// inputs fail with the file and line.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countTokens, type CountProgress } from './count-tokens';
import { countsToArray, mergeTokenCounts, readTokenCounts, type TokenCounts } from './count-file';
import { readLineBatches } from './corpus-reader';
import { CorpusError, TokenizerMismatchError } from './errors';
import { hfEncode, hfLoad, LLAMA2_DIR, LLAMA2_JSON, QWEN3_DIR } from './__fixtures__/hf';
import { TRAIN_TEXT } from './__fixtures__/spm';
import { useSharedTempDir, useTempDir } from './__fixtures__/temp';
import { loadTokenizer } from './tokenizer';

const shared = useSharedTempDir();
const tmp = useTempDir();

const lines = () =>
  readFileSync(TRAIN_TEXT, 'utf8')
    .split(/(?<=\n)/)
    .filter(Boolean);

/** The corpus as JSONL documents of 8 lines each. */
function docs(): string[] {
  const l = lines();
  const out: string[] = [];
  for (let i = 0; i < l.length; i += 8) out.push(l.slice(i, i + 8).join(''));
  return out;
}

function tally(idLists: number[][]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ids of idLists) for (const id of ids) out[id] = (out[id] ?? 0) + 1;
  return out;
}

async function corpusError(promise: Promise<unknown>): Promise<CorpusError> {
  try {
    await promise;
  } catch (e) {
    if (CorpusError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('no CorpusError');
}

describe('countTokens', () => {
  let jsonl: string;
  let tokensFile: string;
  let textCounts: TokenCounts;
  const hf = hfLoad(LLAMA2_DIR);

  beforeAll(async () => {
    jsonl = join(shared.dir, 'docs.jsonl');
    writeFileSync(
      jsonl,
      docs()
        .map((text, i) => JSON.stringify({ id: i, text }))
        .join('\n') + '\n',
    );
    tokensFile = join(shared.dir, 'tokenized.bin');
    writeFileSync(
      tokensFile,
      docs()
        .map((text, i) => (i % 2 ? JSON.stringify({ tokens: [1, ...hfEncode(hf, text)] }) : JSON.stringify([1, ...hfEncode(hf, text)])))
        .join('\n'),
    );
    textCounts = await countTokens({ tokenizer: LLAMA2_DIR, inputs: [TRAIN_TEXT], workers: 0 });
  });

  it('text: counts every line (with its newline) as tokenizers.js encodes it', () => {
    const expected = lines().map((l) => hfEncode(hf, l));
    expect(textCounts.counts).toEqual(tally(expected));
    expect(textCounts.total).toBe(expected.flat().length);
    expect(textCounts.documents).toBe(lines().length);
    expect(textCounts.bytes).toBe(readFileSync(TRAIN_TEXT).length);
    expect(textCounts.sources).toEqual([{ path: TRAIN_TEXT, format: 'text', bytes: readFileSync(TRAIN_TEXT).length }]);
  });

  it("jsonl: counts each record's text field encoded whole", async () => {
    const c = await countTokens({ tokenizer: LLAMA2_DIR, inputs: [jsonl], workers: 0 });
    expect(c.sources[0].format).toBe('jsonl');
    expect(c.counts).toEqual(tally(docs().map((d) => hfEncode(hf, d))));
    expect(c.documents).toBe(docs().length);
  });

  it('tokens: counts InternEvo tokenized JSONL ids as they are, without re-tokenising', async () => {
    const c = await countTokens({ tokenizer: LLAMA2_DIR, inputs: [tokensFile], format: 'tokens', workers: 0 });
    expect(c.counts).toEqual(tally(docs().map((d) => [1, ...hfEncode(hf, d)])));
    expect(c.bytes).toBe(0);
    expect(c.documents).toBe(docs().length);
  });

  it('gives exactly the same counts with 1 and 2 worker threads as in-thread, over mixed inputs', async () => {
    const inputs = [TRAIN_TEXT, jsonl, TRAIN_TEXT];
    const inline = await countTokens({ tokenizer: LLAMA2_DIR, inputs, workers: 0 });
    for (const workers of [1, 2]) {
      const c = await countTokens({ tokenizer: LLAMA2_DIR, inputs, workers, batchBytes: 16 * 1024 });
      expect(c).toEqual(inline);
    }
  });

  it('writes a count file that records the tokenizer hash, reads back, and merges per-shard counts (step 2)', async () => {
    const out = join(tmp.dir, 'counts.json');
    const whole = await countTokens({ tokenizer: LLAMA2_JSON, inputs: [TRAIN_TEXT, jsonl], workers: 0, out });
    expect(await readTokenCounts(out)).toEqual(whole);
    expect(whole.tokenizer.hash).toBe((await loadTokenizer(LLAMA2_DIR)).hash);
    expect(whole.tokenizer).toMatchObject({ vocabSize: 32000, kind: 'bpe-byte-fallback' });
    const a = await countTokens({ tokenizer: LLAMA2_JSON, inputs: [TRAIN_TEXT], workers: 0 });
    const b = await countTokens({ tokenizer: LLAMA2_JSON, inputs: [jsonl], workers: 0 });
    expect(mergeTokenCounts([a, b])).toEqual(whole);
    expect([...countsToArray(whole)].reduce((x, y) => x + y, 0)).toBe(whole.total);
  });

  it('refuses to merge counts made with different tokenizers', async () => {
    const qwen = await countTokens({ tokenizer: QWEN3_DIR, inputs: [jsonl], workers: 0 });
    expect(() => mergeTokenCounts([textCounts, qwen], ['llama.json', 'qwen.json'])).toThrow(
      /cannot merge qwen\.json .* with llama\.json .*different tokenizers/,
    );
    try {
      mergeTokenCounts([textCounts, qwen]);
    } catch (e) {
      expect(TokenizerMismatchError.isInstance(e)).toBe(true);
    }
  });

  it('reports progress with throughput, and a final report at the end', async () => {
    const seen: CountProgress[] = [];
    await countTokens({
      tokenizer: LLAMA2_DIR,
      inputs: [TRAIN_TEXT],
      workers: 0,
      batchBytes: 8192,
      progressIntervalMs: 0,
      onProgress: (p) => seen.push(p),
    });
    expect(seen.length).toBeGreaterThan(3);
    const last = seen[seen.length - 1];
    expect(last.done).toBe(true);
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(last.tokens).toBe(textCounts.total);
    expect(last.mbPerSecond).toBeGreaterThan(0);
    expect(seen[1].etaMs).not.toBeNull();
  });

  it('streams: memory does not grow with the size of the corpus', async () => {
    const big = join(tmp.dir, 'big.bin');
    const line = `${JSON.stringify({ tokens: Array.from({ length: 400 }, (_, i) => (i * 37) % 32000) })}\n`;
    writeFileSync(big, line.repeat(Math.ceil((48 << 20) / line.length)));
    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let batches = 0;
    for await (const b of readLineBatches(big, 0, 256 * 1024)) {
      batches++;
      peak = Math.max(peak, process.memoryUsage().heapUsed - base, b.bytes.length);
    }
    expect(batches).toBeGreaterThan(150);
    const c = await countTokens({
      tokenizer: LLAMA2_DIR,
      inputs: [big],
      format: 'tokens',
      workers: 0,
      progressIntervalMs: 0,
      onProgress: () => {
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      },
    });
    expect(c.total).toBe(400 * Math.ceil((48 << 20) / line.length));
    // A 48 MB file held whole would take > 48 MB of heap (twice that as a JS string).
    expect(peak).toBeLessThan(40 << 20);
  });

  it('fails with the file and line for bad JSONL, missing fields and ids outside the vocabulary', async () => {
    const bad = join(tmp.dir, 'bad.jsonl');
    writeFileSync(bad, '{"text": "ok"}\n\n{"text": broken\n');
    let e = await corpusError(countTokens({ tokenizer: LLAMA2_DIR, inputs: [bad], workers: 0 }));
    expect(e.message).toMatch(/bad\.jsonl: line 3: not valid JSON/);
    writeFileSync(bad, '{"text": "ok"}\n{"body": "no text"}\n');
    e = await corpusError(countTokens({ tokenizer: LLAMA2_DIR, inputs: [bad], workers: 1 }));
    expect(e.message).toMatch(/bad\.jsonl: line 2: no string field "text"/);
    expect(e.file).toBe(bad);
    writeFileSync(bad, '{"tokens": [1, 2]}\n{"tokens": [5, 32000]}\n');
    e = await corpusError(countTokens({ tokenizer: LLAMA2_DIR, inputs: [bad], format: 'tokens', workers: 0 }));
    expect(e.message).toMatch(/line 2: token id 32000 is not in the tokenizer's ids 0\.\.31999/);
  });

  it('fails on an empty corpus, no inputs, and missing files', async () => {
    const empty = join(tmp.dir, 'empty.txt');
    writeFileSync(empty, '');
    expect((await corpusError(countTokens({ tokenizer: LLAMA2_DIR, inputs: [empty], workers: 0 }))).message).toMatch(
      /the corpus is empty: no tokens in .*empty\.txt/,
    );
    expect((await corpusError(countTokens({ tokenizer: LLAMA2_DIR, inputs: [], workers: 0 }))).message).toMatch(/no input files/);
    const missing = join(tmp.dir, 'missing.txt');
    expect((await corpusError(countTokens({ tokenizer: LLAMA2_DIR, inputs: [missing], workers: 0 }))).message).toMatch(
      /missing\.txt: cannot read/,
    );
  });
});
