// Count files a stranger could hand us, each one a defect the fuzz campaign of issue 18 found:
// every one is refused with a CountFileError naming the file, the field and what is allowed, or
// merged with work bounded by what the files hold (not by the sizes they claim).

import { describe, expect, it } from 'vitest';
import {
  assertSameTokenizer,
  countsToArray,
  mergeTokenCounts,
  parseTokenCounts,
  type TokenCounts,
  validateTokenCounts,
} from './count-file';
import { CountFileError } from './errors';

function counts(over: Partial<Record<keyof TokenCounts, unknown>> = {}): TokenCounts {
  return {
    format: 'tinylm-token-counts',
    version: 1,
    tokenizer: { hash: 'sha256:00', path: 'tok/tokenizer.json', vocabSize: 10, kind: 'bpe-byte-level' },
    total: 5,
    documents: 1,
    bytes: 12,
    sources: [{ path: 'a.txt', format: 'text', bytes: 12 }],
    counts: { '1': 2, '7': 3 },
    ...over,
  } as TokenCounts;
}

function refusal(f: () => unknown): CountFileError {
  try {
    f();
  } catch (e) {
    if (CountFileError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('it was accepted');
}

describe('hostile count files', () => {
  it('a vocabSize past the int32 ids is refused (was a RangeError from new Float64Array)', () => {
    const e = refusal(() => validateTokenCounts(counts({ tokenizer: { hash: 'h', path: 'p', vocabSize: 2 ** 40, kind: 'k' } }), 'c.json'));
    expect(e.message).toMatch(
      /^c\.json: tokenizer must be \{ hash: string, path: string, vocabSize: an integer 1\.\.2147483648, kind: string \} \(tokenizer\.vocabSize: /,
    );
    expect(e.field).toBe('tokenizer.vocabSize');
  });

  it('a vocabSize other than the tokenizer has is refused before a per-id array is sized by it (was 8 GB for 1e9)', () => {
    const big = validateTokenCounts(counts({ tokenizer: { hash: 'sha256:00', path: 'p', vocabSize: 1e9, kind: 'k' } }), 'c.json');
    const e = refusal(() => assertSameTokenizer(big, 'sha256:00', 'c.json', 'tok/tokenizer.json', 10));
    expect(e.message).toBe('c.json: tokenizer.vocabSize is 1000000000 but tok/tokenizer.json has 10 ids; the file was altered');
    expect(countsToArray(counts()).length).toBe(10);
  });

  it('merging sums only the ids listed, and a long sources list does not overflow the stack (was RangeError from push(...sources))', () => {
    const many = Array.from({ length: 300_000 }, (_, i) => ({ path: `s${i}.txt`, format: 'text', bytes: 1 }));
    const huge = counts({ tokenizer: { hash: 'sha256:00', path: 'p', vocabSize: 2 ** 31, kind: 'k' }, sources: many });
    const merged = mergeTokenCounts([validateTokenCounts(huge, 'a.json'), huge], ['a.json', 'b.json']);
    expect(merged.sources.length).toBe(600_000);
    expect(merged.counts).toEqual({ '1': 4, '7': 6 });
    expect(merged.total).toBe(10);
  });

  it('malformed sources, deep nesting and sums beyond exact integers are refused naming the field', () => {
    const source = refusal(() => validateTokenCounts(counts({ sources: [{ path: 5, format: 'text', bytes: 1 }] }), 'c.json'));
    expect(source.message).toContain('c.json: sources[0] = {"path":5,"format":"text","bytes":1} is not { path: string');
    const deep = refusal(() => parseTokenCounts(`{"format": ${'['.repeat(20000)}${']'.repeat(20000)}}`, 'c.json'));
    expect(deep.message).toMatch(/^c\.json: format(\[0\]){63} nests deeper than 64 levels/);
    const sum = refusal(() => validateTokenCounts(counts({ counts: { '1': 2 ** 53 - 1, '2': 2 ** 53 - 1 }, total: 0 }), 'c.json'));
    expect(sum.message).toContain('the counts add up to more than 9007199254740991');
    const merged = refusal(() =>
      mergeTokenCounts([counts(), counts({ tokenizer: { ...counts().tokenizer, vocabSize: 11 } })], ['a.json', 'b.json']),
    );
    expect(merged.message).toContain('cannot merge b.json (vocabSize 11) with a.json (vocabSize 10)');
  });
});
