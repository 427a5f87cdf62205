// Token count files: how often each id of one tokenizer occurs over a corpus (the paper's
// step 1), tagged with the tokenizer's fingerprint so that per-shard files can be merged (step
// 2) and pruning can refuse counts made with another tokenizer. JSON, as docs/pipeline.md describes it:
// { format, version, tokenizer: { hash, path, vocabSize, kind }, total, documents, bytes,
//   sources: [...], counts: { "<id>": n } } with only non-zero counts listed.

import { readFile } from 'node:fs/promises';
import { writeJsonFile } from '@tinylm/hf-io';
import { showValue } from '@tinylm/errors';
import { z } from 'zod';
import { CountFileError, TokenizerMismatchError } from './errors';
import { MAX_JSON_DEPTH, showPath, tooDeepAt } from '@tinylm/errors';

/** How a corpus file is read. */
export type CorpusFormat = 'text' | 'jsonl' | 'tokens';

/** One corpus file that went into a count. */
export interface CountSource {
  path: string;
  format: CorpusFormat;
  /** Size of the file in bytes. */
  bytes: number;
}

/** The contents of a count file. */
export interface TokenCounts {
  format: 'tinylm-token-counts';
  version: 1;
  /** The tokenizer the ids belong to. */
  tokenizer: {
    /** Fingerprint of the tokenizer (`Tokenizer.hash`). */
    hash: string;
    /** Where it was loaded from, for people reading the file. */
    path: string;
    vocabSize: number;
    kind: string;
  };
  /** Tokens counted (the sum of `counts`). */
  total: number;
  /** Lines of text files plus records of JSONL files. */
  documents: number;
  /** UTF-8 bytes of the text that was encoded (0 for pre-tokenized input). */
  bytes: number;
  sources: CountSource[];
  /** Id (as a decimal string) -> occurrences; ids that never occur are left out. */
  counts: Record<string, number>;
}

/**
 * The counts as a dense array indexed by id. It is `counts.tokenizer.vocabSize` long: check that
 * size against the tokenizer first (`assertSameTokenizer` does), as a file only claims it.
 */
export function countsToArray(counts: TokenCounts): Float64Array {
  const out = new Float64Array(counts.tokenizer.vocabSize);
  for (const [id, n] of Object.entries(counts.counts)) out[Number(id)] = n;
  return out;
}

/** A sparse `counts` record (ascending ids, zeros left out) from a dense array. */
export function arrayToCounts(dense: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let id = 0; id < dense.length; id++) if (dense[id] > 0) out[id] = dense[id];
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The largest vocabulary a count file may name: ids are int32 ids (as in tokenizer.json). */
export const MAX_COUNT_VOCAB_SIZE = 2 ** 31;

const nonNegative = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const tokenizerSchema = z.looseObject({
  hash: z.string(),
  path: z.string(),
  vocabSize: z.number().int().positive().max(MAX_COUNT_VOCAB_SIZE),
  kind: z.string(),
});
const sourceSchema = z.looseObject({ path: z.string(), format: z.enum(['text', 'jsonl', 'tokens']), bytes: nonNegative });

/**
 * Checks that `value` is a well-formed count file (`file` names it in errors) and returns it
 * typed. Throws `CountFileError` naming the field, the value (bounded, `showValue`) and what was
 * expected. Work is linear in the file: nesting is bounded and every list is walked once.
 */
export function validateTokenCounts(value: unknown, file: string): TokenCounts {
  const fail = (field: string, why: string, got?: unknown, allowed?: string): never => {
    throw new CountFileError({ message: `${file}: ${why}`, file, field, value: got, allowed });
  };
  if (!isRecord(value)) return fail('', 'not a token count file (the top level is not a JSON object)');
  const deep = tooDeepAt(value);
  if (deep) return fail(showPath(deep), `${showPath(deep)} nests deeper than ${MAX_JSON_DEPTH} levels (a count file nests 3)`);
  if (value.format !== 'tinylm-token-counts') {
    fail(
      'format',
      `not a token count file: format is ${showValue(value.format)}, expected "tinylm-token-counts"`,
      value.format,
      '"tinylm-token-counts"',
    );
  }
  if (value.version !== 1)
    fail('version', `count file version ${showValue(value.version)} is not supported (expected 1)`, value.version, '1');
  const t = tokenizerSchema.safeParse(value.tokenizer);
  if (!t.success) {
    const where = t.error.issues[0].path.map(String).join('.');
    fail(
      where ? `tokenizer.${where}` : 'tokenizer',
      `tokenizer must be { hash: string, path: string, vocabSize: an integer 1..${MAX_COUNT_VOCAB_SIZE}, kind: string }` +
        (where ? ` (tokenizer.${where}: ${t.error.issues[0].message})` : ''),
      value.tokenizer,
    );
  }
  const vocabSize = (value.tokenizer as { vocabSize: number }).vocabSize;
  for (const key of ['total', 'documents', 'bytes'] as const) {
    const v = value[key];
    if (!Number.isSafeInteger(v) || (v as number) < 0)
      fail(key, `${key} must be a non-negative integer, got ${showValue(v)}`, v, 'a non-negative integer');
  }
  if (!Array.isArray(value.sources)) return fail('sources', `sources must be a list, got ${showValue(value.sources)}`, value.sources);
  for (let i = 0; i < value.sources.length; i++) {
    const source = sourceSchema.safeParse(value.sources[i]);
    if (!source.success) {
      fail(
        `sources[${i}]`,
        `sources[${i}] = ${showValue(value.sources[i])} is not { path: string, format: "text" | "jsonl" | "tokens", bytes: a non-negative integer }`,
        value.sources[i],
      );
    }
  }
  if (!isRecord(value.counts)) return fail('counts', 'counts must be an object of "<id>": count', value.counts);
  let sum = 0;
  for (const [id, n] of Object.entries(value.counts)) {
    const i = Number(id);
    if (!/^(0|[1-9]\d*)$/.test(id) || i >= vocabSize) {
      fail('counts', `counts has id ${showValue(id)}, outside the tokenizer's ids 0..${vocabSize - 1}`, id, `ids 0..${vocabSize - 1}`);
    }
    if (!Number.isSafeInteger(n) || (n as number) < 0) {
      fail('counts', `counts[${showValue(id)}] = ${showValue(n)} is not a non-negative integer`, n, 'a non-negative integer');
    }
    sum += n as number;
  }
  if (!Number.isSafeInteger(sum)) fail('counts', `the counts add up to more than ${Number.MAX_SAFE_INTEGER}, beyond exact integers`);
  if (sum !== value.total)
    fail('total', `total is ${value.total} but the counts add up to ${sum}; the file was altered or truncated`, value.total);
  return value as unknown as TokenCounts;
}

/** Parses and validates the text of a count file (`file` names it in errors). */
export function parseTokenCounts(text: string, file: string): TokenCounts {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CountFileError({
      message: `${file}: not valid JSON, the file may be truncated (${(error as Error).message})`,
      file,
      cause: error,
    });
  }
  return validateTokenCounts(value, file);
}

/** Reads and validates a count file. Throws `CountFileError` for unreadable, truncated or malformed files. */
export async function readTokenCounts(path: string): Promise<TokenCounts> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CountFileError({ message: `${path}: cannot read (${(error as Error).message})`, file: path, cause: error });
  }
  return parseTokenCounts(text, path);
}

/** Writes a count file atomically (temporary file, then rename). */
export async function writeTokenCounts(path: string, counts: TokenCounts): Promise<void> {
  await writeJsonFile(path, counts);
}

/**
 * Throws `TokenizerMismatchError` unless `counts` was made with the tokenizer whose hash is
 * `hash`, and `CountFileError` when `vocabSize` is given and the file claims another size.
 */
export function assertSameTokenizer(
  counts: TokenCounts,
  hash: string,
  countsFile: string,
  tokenizerPath: string,
  vocabSize?: number,
): void {
  if (counts.tokenizer.hash === hash) {
    // The hash covers the ids, but the size is a separate claim the dense arrays are sized by.
    if (vocabSize === undefined || counts.tokenizer.vocabSize === vocabSize) return;
    throw new CountFileError({
      message: `${countsFile}: tokenizer.vocabSize is ${counts.tokenizer.vocabSize} but ${tokenizerPath} has ${vocabSize} ids; the file was altered`,
      file: countsFile,
      field: 'tokenizer.vocabSize',
      value: counts.tokenizer.vocabSize,
      allowed: String(vocabSize),
    });
  }
  throw new TokenizerMismatchError({
    message:
      `${countsFile} was counted with another tokenizer (${counts.tokenizer.path}, ${counts.tokenizer.hash}) ` +
      `than ${tokenizerPath} (${hash}); its ids would mean other tokens. Count again with ${tokenizerPath}.`,
    file: countsFile,
    field: 'tokenizer.hash',
  });
}

/**
 * Sums count files made with the same tokenizer (the paper's step 2). `names` label the inputs
 * in errors (file paths when they came from disk). Throws `TokenizerMismatchError` when their
 * tokenizer hashes differ.
 */
export function mergeTokenCounts(list: readonly TokenCounts[], names: readonly string[] = []): TokenCounts {
  if (list.length === 0) throw new CountFileError({ message: 'nothing to merge: no count files given' });
  const first = list[0];
  // Summed sparsely: the work is that of the ids the files list, not of the size they claim.
  const sums = new Map<number, number>();
  let total = 0;
  let documents = 0;
  let bytes = 0;
  const sources: CountSource[] = [];
  list.forEach((c, i) => {
    if (c.tokenizer.hash !== first.tokenizer.hash) {
      throw new TokenizerMismatchError({
        message:
          `cannot merge ${names[i] ?? `count file ${i}`} (${c.tokenizer.hash}, ${c.tokenizer.path}) with ` +
          `${names[0] ?? 'count file 0'} (${first.tokenizer.hash}, ${first.tokenizer.path}): they were counted with different tokenizers`,
        file: names[i],
        field: 'tokenizer.hash',
      });
    }
    if (c.tokenizer.vocabSize !== first.tokenizer.vocabSize) {
      throw new CountFileError({
        message: `cannot merge ${names[i] ?? `count file ${i}`} (vocabSize ${c.tokenizer.vocabSize}) with ${names[0] ?? 'count file 0'} (vocabSize ${first.tokenizer.vocabSize}): same tokenizer hash, different sizes; a file was altered`,
        file: names[i],
        field: 'tokenizer.vocabSize',
      });
    }
    for (const [id, n] of Object.entries(c.counts)) sums.set(Number(id), (sums.get(Number(id)) ?? 0) + n);
    total += c.total;
    documents += c.documents;
    bytes += c.bytes;
    // One at a time: spreading a long list into push() overflows the stack.
    for (const s of c.sources) sources.push(s);
  });
  for (const [key, v] of [
    ['total', total],
    ['documents', documents],
    ['bytes', bytes],
  ] as const) {
    if (!Number.isSafeInteger(v)) {
      throw new CountFileError({ message: `the merged ${key} exceeds ${Number.MAX_SAFE_INTEGER}, beyond exact integers`, field: key });
    }
  }
  const counts: Record<string, number> = {};
  for (const id of [...sums.keys()].sort((a, b) => a - b)) if ((sums.get(id) as number) > 0) counts[id] = sums.get(id) as number;
  return {
    format: 'tinylm-token-counts',
    version: 1,
    tokenizer: { ...first.tokenizer },
    total,
    documents,
    bytes,
    sources,
    counts,
  };
}
