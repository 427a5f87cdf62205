// Counting one batch of corpus lines into a dense count array: shared by the worker threads and
// the in-thread path. The units of each format (a text line, a JSONL record's text, a tokenized
// record's ids) are read by corpus-records.ts, the reader held-out text uses too. Counting never
// adds BOS/EOS.

import type { CorpusFormat } from './count-file';
import { type CorpusFields, corpusLineError, corpusRecords } from './corpus-records';

/** What a batch counter needs to know. */
export interface BatchCounterOptions extends CorpusFields {
  format: CorpusFormat;
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
  firstLine: number,
): BatchTotals {
  const totals: BatchTotals = { tokens: 0, documents: 0, bytes: 0 };
  for (const record of corpusRecords(decoder.decode(bytes), options.format, options, file, firstLine)) {
    totals.documents++;
    if ('text' in record) {
      const ids = options.encode(record.text);
      for (const id of ids) counts[id]++;
      totals.tokens += ids.length;
      totals.bytes += Buffer.byteLength(record.text, 'utf8');
      continue;
    }
    for (const id of record.ids) {
      if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= options.vocabSize) {
        throw corpusLineError(
          file,
          record.line,
          `token id ${JSON.stringify(id)} is not in the tokenizer's ids 0..${options.vocabSize - 1}`,
        );
      }
      counts[id as number]++;
    }
    totals.tokens += record.ids.length;
  }
  return totals;
}
