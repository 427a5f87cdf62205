// Counting one batch of corpus lines into a dense count array: shared by the worker threads and
// the in-thread path. Units, as in the corpus formats of docs/pipeline.md:
// - text: each line, with its "\n", is encoded on its own (as Hugging Face datasets' text loader
//   and spm_train read text files: one example per line);
// - jsonl: each record's text field is encoded whole;
// - tokens: InternEvo's tokenized JSONL (`{"tokens": [ids]}` a line, the paper's step 1): the
//   ids are counted as they are, without re-tokenising.

import { CorpusError } from './errors';
import type { CorpusFormat } from './count-file';

/** What a batch counter needs to know. */
export interface BatchCounterOptions {
  format: CorpusFormat;
  /** JSONL field holding the text (default "text"). */
  textField: string;
  /** JSONL field holding the token ids (default "tokens"). */
  tokensField: string;
  vocabSize: number;
  /** Encodes one unit of text; unused for the tokens format. */
  encode: (text: string) => readonly number[];
}

/** Totals of one batch. */
export interface BatchTotals {
  tokens: number;
  documents: number;
  /** UTF-8 bytes of the encoded text. */
  bytes: number;
}

const decoder = new TextDecoder();

function* lines(text: string): Generator<[string, number]> {
  let start = 0;
  let n = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl + 1;
    yield [text.slice(start, end), n++];
    start = end;
  }
}

/**
 * Adds the tokens of `bytes` (whole lines of `file`, starting at line `firstLine`) to `counts`.
 * Throws `CorpusError` naming the file and line for a JSONL line that is not JSON, lacks the
 * field, or holds an id outside `0..vocabSize-1`.
 */
export function countBatch(
  options: BatchCounterOptions,
  counts: Float64Array,
  bytes: Uint8Array,
  file: string,
  firstLine: number
): BatchTotals {
  const totals: BatchTotals = { tokens: 0, documents: 0, bytes: 0 };
  const text = decoder.decode(bytes);
  const fail = (line: number, why: string): never => {
    throw new CorpusError({ message: `${file}: line ${firstLine + line}: ${why}`, file, field: `line ${firstLine + line}` });
  };
  if (options.format === 'text') {
    for (const [line] of lines(text)) {
      const ids = options.encode(line);
      for (const id of ids) counts[id]++;
      totals.tokens += ids.length;
      totals.documents++;
    }
    totals.bytes = bytes.length;
    return totals;
  }
  for (const [line, i] of lines(text)) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      fail(i, `not valid JSON (${(error as Error).message})`);
    }
    totals.documents++;
    if (options.format === 'jsonl') {
      const value = (record as Record<string, unknown> | null)?.[options.textField];
      if (typeof value !== 'string') {
        fail(i, `no string field "${options.textField}" (got ${JSON.stringify(value === undefined ? null : typeof value)})`);
      }
      const ids = options.encode(value as string);
      for (const id of ids) counts[id]++;
      totals.tokens += ids.length;
      totals.bytes += Buffer.byteLength(value as string, 'utf8');
      continue;
    }
    const ids = Array.isArray(record) ? record : (record as Record<string, unknown> | null)?.[options.tokensField];
    if (!Array.isArray(ids)) fail(i, `no "${options.tokensField}" list of token ids`);
    for (const id of ids as unknown[]) {
      if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= options.vocabSize) {
        fail(i, `token id ${JSON.stringify(id)} is not in the tokenizer's ids 0..${options.vocabSize - 1}`);
      }
      counts[id as number]++;
    }
    totals.tokens += (ids as unknown[]).length;
  }
  return totals;
}
