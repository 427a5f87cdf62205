// Tokens per byte of held-out text before and after pruning (prune-report.json's `heldOut`).
// Held-out files are read exactly as corpus inputs are counted: streamed as batches of whole
// lines (corpus-reader.ts) and cut into units by corpus-records.ts, so a .txt file is one unit a
// line and a .jsonl file one unit a record's text field, never its JSON syntax.

import { DEFAULT_BATCH_BYTES, readLineBatches } from './corpus-reader';
import { corpusFormatOf, corpusRecords } from './corpus-records';
import { CorpusError } from './errors';
import type { Tokenizer } from './tokenizer';

/** How held-out files are read. */
export interface HeldOutReading {
  /** `text` (one line = one unit), `jsonl` (a record's text field), or `auto` by extension (default), as `countTokens` reads inputs. */
  format?: 'auto' | 'text' | 'jsonl';
  /** JSONL field with the text. Default "text". */
  textField?: string;
}

/** Tokens per byte of held-out text, before and after. */
export interface HeldOutReport {
  files: string[];
  /** Units measured: lines of text files, records of JSONL files. */
  lines: number;
  /** UTF-8 bytes of the measured text. */
  bytes: number;
  tokensBefore: number;
  tokensAfter: number;
  tokensPerByteBefore: number;
  tokensPerByteAfter: number;
  /** Units whose decode(encode(unit)) gives the unit back, before and after pruning. */
  roundTripBefore: number;
  roundTripAfter: number;
}

const decoder = new TextDecoder();

/**
 * The held-out texts of `file`, unit by unit. Throws `CorpusError` naming the file when it
 * cannot be read, and the file and line for a JSONL line that is not JSON or lacks the field.
 */
export async function* readHeldOutTexts(file: string, reading: HeldOutReading = {}): AsyncGenerator<string> {
  const format = corpusFormatOf(file, reading.format ?? 'auto');
  const fields = { textField: reading.textField ?? 'text', tokensField: 'tokens' };
  for await (const batch of readLineBatches(file, 0, DEFAULT_BATCH_BYTES)) {
    for (const record of corpusRecords(decoder.decode(batch.bytes), format, fields, file, batch.firstLine)) {
      if (!('text' in record)) throw new CorpusError({ message: `${file}: held-out text must be text or JSONL, not token ids`, file });
      yield record.text;
    }
  }
}

/** Measures `files` with the tokenizers `before` and `after` pruning. Throws `CorpusError` when they hold no text. */
export async function measureHeldOut(
  files: readonly string[],
  before: Tokenizer,
  after: Tokenizer,
  reading: HeldOutReading = {},
): Promise<HeldOutReport> {
  const report: HeldOutReport = {
    files: [...files],
    lines: 0,
    bytes: 0,
    tokensBefore: 0,
    tokensAfter: 0,
    tokensPerByteBefore: 0,
    tokensPerByteAfter: 0,
    roundTripBefore: 0,
    roundTripAfter: 0,
  };
  for (const file of files) {
    for await (const text of readHeldOutTexts(file, reading)) {
      if (text === '') continue;
      const a = before.encode(text);
      const b = after.encode(text);
      report.lines++;
      report.bytes += Buffer.byteLength(text, 'utf8');
      report.tokensBefore += a.length;
      report.tokensAfter += b.length;
      if (before.decode(a, { skipSpecialTokens: false }) === text) report.roundTripBefore++;
      if (after.decode(b, { skipSpecialTokens: false }) === text) report.roundTripAfter++;
    }
  }
  if (report.bytes === 0) throw new CorpusError({ message: `held-out text is empty (${files.join(', ')})`, file: files[0] });
  report.tokensPerByteBefore = report.tokensBefore / report.bytes;
  report.tokensPerByteAfter = report.tokensAfter / report.bytes;
  return report;
}
