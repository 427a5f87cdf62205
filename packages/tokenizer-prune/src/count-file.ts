// Token count files: how often each id of one tokenizer occurs over a corpus (the paper's
// step 1), tagged with the tokenizer's fingerprint so that per-shard files can be merged (step
// 2) and pruning can refuse counts made with another tokenizer. JSON, as docs/pipeline.md describes it:
// { format, version, tokenizer: { hash, path, vocabSize, kind }, total, documents, bytes,
//   sources: [...], counts: { "<id>": n } } with only non-zero counts listed.

import { readFile } from 'node:fs/promises';
import { writeJsonFile } from '@tinylm/hf-io';
import { CountFileError, TokenizerMismatchError } from './errors';

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

/** The counts as a dense array indexed by id. */
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

/**
 * Checks that `value` is a well-formed count file (`file` names it in errors) and returns it
 * typed. Throws `CountFileError` naming the field and what was expected.
 */
export function validateTokenCounts(value: unknown, file: string): TokenCounts {
  const fail = (field: string, why: string): never => {
    throw new CountFileError({ message: `${file}: ${why}`, file, field });
  };
  if (!isRecord(value)) return fail('', 'not a token count file (the top level is not a JSON object)');
  if (value.format !== 'tinylm-token-counts') {
    fail('format', `not a token count file: format is ${JSON.stringify(value.format)}, expected "tinylm-token-counts"`);
  }
  if (value.version !== 1) fail('version', `count file version ${JSON.stringify(value.version)} is not supported (expected 1)`);
  const t = value.tokenizer;
  if (!isRecord(t) || typeof t.hash !== 'string' || !Number.isInteger(t.vocabSize) || (t.vocabSize as number) <= 0) {
    fail('tokenizer', 'tokenizer must be { hash: string, path, vocabSize: positive integer, kind }');
  }
  const vocabSize = (t as { vocabSize: number }).vocabSize;
  for (const key of ['total', 'documents', 'bytes'] as const) {
    const v = value[key];
    if (!Number.isSafeInteger(v) || (v as number) < 0) fail(key, `${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  if (!Array.isArray(value.sources)) fail('sources', 'sources must be a list');
  if (!isRecord(value.counts)) return fail('counts', 'counts must be an object of "<id>": count');
  let sum = 0;
  for (const [id, n] of Object.entries(value.counts)) {
    const i = Number(id);
    if (!/^(0|[1-9]\d*)$/.test(id) || i >= vocabSize) {
      fail('counts', `counts has id ${JSON.stringify(id)}, outside the tokenizer's ids 0..${vocabSize - 1}`);
    }
    if (!Number.isSafeInteger(n) || (n as number) < 0)
      fail('counts', `counts["${id}"] = ${JSON.stringify(n)} is not a non-negative integer`);
    sum += n as number;
  }
  if (sum !== value.total) fail('total', `total is ${value.total} but the counts add up to ${sum}; the file was altered or truncated`);
  return value as unknown as TokenCounts;
}

/** Reads and validates a count file. Throws `CountFileError` for unreadable, truncated or malformed files. */
export async function readTokenCounts(path: string): Promise<TokenCounts> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CountFileError({ message: `${path}: cannot read (${(error as Error).message})`, file: path, cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CountFileError({
      message: `${path}: not valid JSON, the file may be truncated (${(error as Error).message})`,
      file: path,
      cause: error,
    });
  }
  return validateTokenCounts(value, path);
}

/** Writes a count file atomically (temporary file, then rename). */
export async function writeTokenCounts(path: string, counts: TokenCounts): Promise<void> {
  await writeJsonFile(path, counts);
}

/** Throws `TokenizerMismatchError` unless `counts` was made with the tokenizer whose hash is `hash`. */
export function assertSameTokenizer(counts: TokenCounts, hash: string, countsFile: string, tokenizerPath: string): void {
  if (counts.tokenizer.hash === hash) return;
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
  const dense = new Float64Array(first.tokenizer.vocabSize);
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
    for (const [id, n] of Object.entries(c.counts)) dense[Number(id)] += n;
    total += c.total;
    documents += c.documents;
    bytes += c.bytes;
    sources.push(...c.sources);
  });
  return {
    format: 'tinylm-token-counts',
    version: 1,
    tokenizer: { ...first.tokenizer },
    total,
    documents,
    bytes,
    sources,
    counts: arrayToCounts(dense),
  };
}
