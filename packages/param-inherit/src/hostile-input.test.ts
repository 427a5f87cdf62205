// Hostile user input to param-inherit (issue 18): vocab-map.json and calibration files from
// strangers give this package's own errors with short messages, never a RangeError from printing a
// deeply nested value (JSON.stringify / String() in a message) or a TypeError from a `null` record.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isTinylmError } from '@tinylm/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './__fixtures__/models';
import { loadCalibration } from './calibration';
import { CalibrationError, VocabMapError } from './errors';
import { parseVocabMap, parseVocabMapText, readVocabMap } from './vocab-map';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir('hostile');
});
afterAll(async () => tmp.cleanup());

/** 100,000 arrays inside each other: JSON.stringify and Array#toString overflow the stack on it. */
const deep = (depth = 100_000): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

/** The error `f` throws (sync or async). */
async function thrown(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('vocab-map.json', () => {
  it('a deeply nested new id is a VocabMapError with a short message', async () => {
    const e = await thrown(() => parseVocabMap({ 0: deep() }, 10, 'vocab-map.json'));
    expect(VocabMapError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(/^vocab-map\.json: entry "0" maps to \[\[\[.*new ids must be integers 0\.\.0/);
    expect(e.message.length).toBeLessThan(400);
  });

  it('a huge key or top-level string is shown cut', async () => {
    const key = await thrown(() => parseVocabMap({ ['9'.repeat(5000)]: 0 }, 10));
    expect(key.message).toMatch(/is not an old token id/);
    expect(key.message.length).toBeLessThan(400);
    const text = await thrown(() => parseVocabMapText(JSON.stringify('x'.repeat(1_000_000)), 10, 'm.json'));
    expect(VocabMapError.isInstance(text)).toBe(true);
    expect(text.message).toMatch(/^m\.json: expected a JSON object .*found "x+…/);
    expect(text.message.length).toBeLessThan(400);
  });

  it('JSON syntax errors and unreadable paths (a 5,000-character name) are VocabMapErrors', async () => {
    expect(VocabMapError.isInstance(await thrown(() => parseVocabMapText('{"0": ', 10)))).toBe(true);
    const long = await thrown(() => readVocabMap(join(tmp.dir, 'v'.repeat(5000)), 10));
    expect(VocabMapError.isInstance(long)).toBe(true);
    expect(long.message).toMatch(/cannot read the vocabulary map/);
  });
});

const source = { dir: '/nonexistent', hasTokenizer: false, vocabSize: 64, maxPositionEmbeddings: 64 };

describe('calibration files', () => {
  it('a `null`, number or array record in JSONL is a CalibrationError, not a TypeError', async () => {
    for (const line of ['null', '7', '[1, 2]', '"text"']) {
      const f = join(tmp.dir, 'records.jsonl');
      await writeFile(f, `${line}\n`);
      const e = await thrown(() => loadCalibration({ files: [f], seqLen: 2 }, source));
      expect(CalibrationError.isInstance(e), `${line}: ${e}`).toBe(true);
      expect(e.message).toMatch(/records\.jsonl:1: a record needs a "tokens" array or a "text" string/);
    }
  });

  it('a deeply nested token is shown bounded', async () => {
    const f = join(tmp.dir, 'deep.jsonl');
    await writeFile(f, `{"tokens": [1, ${'['.repeat(100_000)}${']'.repeat(100_000)}]}\n`);
    const e = await thrown(() => loadCalibration({ files: [f], seqLen: 2 }, source));
    expect(CalibrationError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(/deep\.jsonl: token 1 is \[\[\[.*outside the source vocabulary \[0, 64\)/);
    expect(e.message.length).toBeLessThan(600);
    const arrays = await thrown(() => loadCalibration({ tokens: [[1, deep() as number]], seqLen: 2 }, source));
    expect(CalibrationError.isInstance(arrays)).toBe(true);
  });

  it('an unreadable calibration path is a CalibrationError', async () => {
    const e = await thrown(() => loadCalibration({ files: [join(tmp.dir, 'c'.repeat(5000))], seqLen: 2 }, source));
    expect(isTinylmError(e, 'CalibrationError')).toBe(true);
  });
});
