// The units of a corpus, read one way for counting (count-batch.ts) and for held-out text
// (held-out.ts). Units, as in docs/tokenizer-prune.md's corpus formats:
// - text: each line, with its "\n", is one unit (as Hugging Face datasets' text loader and
//   spm_train read text files: one example per line);
// - jsonl: each record's text field is one unit, encoded whole; blank lines are skipped;
// - tokens: InternEvo's tokenized JSONL (`{"tokens": [ids]}` or a bare list a line, the paper's
//   step 1): the ids as they are, to be counted without re-tokenising.

import type { CorpusFormat } from './count-file';
import { CorpusError } from './errors';

/** The JSONL fields a reader takes text or ids from. */
export interface CorpusFields {
  /** JSONL field holding the text (default "text"). */
  textField: string;
  /** JSONL field holding the token ids (default "tokens"). */
  tokensField: string;
}

/** One unit of a corpus: a text to encode, or (tokens format) ids as they are in the file. */
export type CorpusRecord = { line: number; text: string } | { line: number; ids: unknown[] };

/** Picks the format of one input under `format: 'auto'`: `.jsonl` / `.ndjson` / `.json` files are jsonl, others text. */
export function corpusFormatOf(path: string, format: CorpusFormat | 'auto' = 'auto'): CorpusFormat {
  if (format !== 'auto') return format;
  return /\.(jsonl|ndjson|json)$/i.test(path) ? 'jsonl' : 'text';
}

/** The `CorpusError` for line `line` (1-based) of `file`. */
export function corpusLineError(file: string, line: number, why: string): CorpusError {
  return new CorpusError({ message: `${file}: line ${line}: ${why}`, file, field: `line ${line}` });
}

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
 * The units of `text` (whole lines of `file`, the first being line `firstLine`) in `format`.
 * Throws `CorpusError` naming the file and line for a JSONL line that is not JSON or lacks the
 * field. Ids of the tokens format are not checked here (the caller knows the vocabulary).
 */
export function* corpusRecords(
  text: string,
  format: CorpusFormat,
  fields: CorpusFields,
  file: string,
  firstLine: number,
): Generator<CorpusRecord> {
  if (format === 'text') {
    for (const [line, i] of lines(text)) yield { line: firstLine + i, text: line };
    return;
  }
  for (const [line, i] of lines(text)) {
    if (line.trim() === '') continue;
    const at = firstLine + i;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw corpusLineError(file, at, `not valid JSON (${(error as Error).message})`);
    }
    if (format === 'jsonl') {
      const value = (record as Record<string, unknown> | null)?.[fields.textField];
      if (typeof value !== 'string') {
        throw corpusLineError(
          file,
          at,
          `no string field "${fields.textField}" (got ${JSON.stringify(value === undefined ? null : typeof value)})`,
        );
      }
      yield { line: at, text: value };
      continue;
    }
    const ids = Array.isArray(record) ? record : (record as Record<string, unknown> | null)?.[fields.tokensField];
    if (!Array.isArray(ids)) throw corpusLineError(file, at, `no "${fields.tokensField}" list of token ids`);
    yield { line: at, ids };
  }
}
