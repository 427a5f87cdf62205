// Calibration data for the data-driven criteria (block influence, activation, Taylor, learned
// masks): token windows in the SOURCE vocabulary. Accepted files:
//   - plain text (.txt, .md, anything else) and JSONL with a `text` field (.jsonl/.ndjson/.json):
//     tokenized with the source folder's tokenizer (tokenizer-prune's loadTokenizer), another
//     tokenizer given as `tokenizer`, or `tokenizer: 'bytes'` (UTF-8 bytes as ids, byte-level models);
//   - InternEvo tokenized JSONL (one {"tokens": [...]} a line; their .bin shards are this too);
//   - raw .bin token arrays, little-endian uint16 or uint32 (`tokenDtype`; default uint16 when the
//     source vocabulary fits in 16 bits, else uint32).
// All tokens are concatenated in file order and cut into windows of seqLen + 1 tokens (inputs and
// next-token targets); `samples` windows are taken evenly spaced over the stream.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { CalibrationError } from './errors';
import { parseOptions, showValue } from '@tinylm/errors';
import { calibrationOptions } from './options';

/** Calibration options. Give `files` or `tokens`. */
export interface CalibrationOptions {
  /** Files (see the header for formats). */
  files?: readonly string[];
  /** Token sequences given directly (source ids). */
  tokens?: readonly ArrayLike<number>[];
  /** How text is tokenized: 'bytes', or a tokenizer file / folder. Default: the source folder's tokenizer. */
  tokenizer?: string;
  /** Element type of raw .bin token files. */
  tokenDtype?: 'uint16' | 'uint32';
  /** Tokens per window (default 128, at most the source's maxPositionEmbeddings). */
  seqLen?: number;
  /** Windows to use (default 32). */
  samples?: number;
  /** Windows per forward pass (default 4). */
  batchSize?: number;
}

/** What was read, for inherit-report.json. */
export interface CalibrationReport {
  files: { path: string; format: 'text' | 'jsonl-text' | 'jsonl-tokens' | 'bin-uint16' | 'bin-uint32'; tokens: number }[];
  /** 'bytes', a tokenizer path, or null when only token files / arrays were given. */
  tokenizer: string | null;
  totalTokens: number;
  windows: number;
  seqLen: number;
  batchSize: number;
}

/** Windows ready for the forward passes. */
export interface CalibrationData {
  /** Each window has seqLen + 1 source ids. */
  windows: Int32Array[];
  seqLen: number;
  batchSize: number;
  report: CalibrationReport;
}

type Encoder = { name: string; encode: (text: string) => number[] };

async function makeEncoder(tokenizer: string | undefined, sourceDir: string, hasTokenizer: boolean): Promise<Encoder | null> {
  if (tokenizer === 'bytes') {
    const enc = new TextEncoder();
    return { name: 'bytes', encode: (text) => Array.from(enc.encode(text)) };
  }
  const path = tokenizer ?? (hasTokenizer ? sourceDir : null);
  if (path === null) return null;
  const { loadTokenizer } = await import('@tinylm/tokenizer-prune');
  const t = await loadTokenizer(path);
  return { name: t.path, encode: (text) => t.encode(text) };
}

/**
 * Reads calibration files or arrays into windows of source ids. Throws `CalibrationError` naming
 * the file for unreadable data, text without a tokenizer, ids outside [0, vocabSize), or fewer
 * tokens than one window.
 */
export async function loadCalibration(
  o: CalibrationOptions,
  source: { dir: string; hasTokenizer: boolean; vocabSize: number; maxPositionEmbeddings: number },
): Promise<CalibrationData> {
  o = parseOptions(calibrationOptions, o, 'loadCalibration');
  const seqLen = o.seqLen ?? Math.min(128, source.maxPositionEmbeddings);
  const samples = o.samples ?? 32;
  const batchSize = o.batchSize ?? 4;
  for (const [k, v] of [
    ['seqLen', seqLen],
    ['samples', samples],
    ['batchSize', batchSize],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new CalibrationError(`calibration ${k} = ${showValue(v)} is invalid: allowed positive integers`, { field: k, value: v });
  }
  if (seqLen > source.maxPositionEmbeddings) {
    throw new CalibrationError(
      `calibration seqLen = ${seqLen} exceeds the source's maxPositionEmbeddings ${source.maxPositionEmbeddings}`,
      { field: 'seqLen' },
    );
  }
  const parts: ArrayLike<number>[] = [];
  const report: CalibrationReport = { files: [], tokenizer: null, totalTokens: 0, windows: 0, seqLen, batchSize };
  let encoder: Encoder | null | undefined;
  const encode = async (file: string, text: string) => {
    if (encoder === undefined) encoder = await makeEncoder(o.tokenizer, source.dir, source.hasTokenizer);
    if (encoder === null) {
      throw new CalibrationError(
        `${file} is text but ${source.dir} has no tokenizer files: give a tokenizer (calibTokenizer / --calib-tokenizer DIR, or 'bytes' for a byte-level model) or token files (InternEvo JSONL "tokens", .bin)`,
        { file, field: 'tokenizer' },
      );
    }
    report.tokenizer = encoder.name;
    return encoder.encode(text);
  };
  const check = (file: string, ids: ArrayLike<number>) => {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= source.vocabSize) {
        throw new CalibrationError(`${file}: token ${i} is ${showValue(id)}, outside the source vocabulary [0, ${source.vocabSize})`, {
          file,
          value: id,
        });
      }
    }
  };
  for (const file of o.files ?? []) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (e) {
      throw new CalibrationError(`${file}: cannot read calibration data (${(e as Error).message})`, { file, cause: e });
    }
    const ext = extname(file).toLowerCase();
    const firstChar = bytes.subarray(0, 64).toString('utf8').trimStart()[0];
    let ids: ArrayLike<number>;
    let format: CalibrationReport['files'][number]['format'];
    if (['.jsonl', '.ndjson', '.json'].includes(ext) || (ext === '.bin' && firstChar === '{')) {
      const tokens: number[] = [];
      let texts = 0;
      let lineNo = 0;
      for (const line of bytes.toString('utf8').split('\n')) {
        lineNo += 1;
        if (line.trim() === '') continue;
        let rec: unknown;
        try {
          rec = JSON.parse(line);
        } catch (e) {
          throw new CalibrationError(`${file}:${lineNo}: not valid JSON (${(e as Error).message})`, { file, cause: e });
        }
        // `null`, a number or an array on a line is no record (reading `.tokens` of null threw a TypeError)
        const r = (rec !== null && typeof rec === 'object' && !Array.isArray(rec) ? rec : {}) as { tokens?: unknown; text?: unknown };
        if (Array.isArray(r.tokens)) for (const t of r.tokens) tokens.push(t as number);
        else if (typeof r.text === 'string') {
          texts += 1;
          for (const t of await encode(file, r.text)) tokens.push(t);
        } else
          throw new CalibrationError(`${file}:${lineNo}: a record needs a "tokens" array or a "text" string`, { file, field: 'tokens' });
      }
      ids = tokens;
      format = texts > 0 ? 'jsonl-text' : 'jsonl-tokens';
    } else if (ext === '.bin') {
      const dtype = o.tokenDtype ?? (source.vocabSize <= 65536 ? 'uint16' : 'uint32');
      const size = dtype === 'uint16' ? 2 : 4;
      if (bytes.length % size !== 0) {
        throw new CalibrationError(`${file}: ${bytes.length} bytes is not a whole number of ${dtype} tokens`, {
          file,
          field: 'tokenDtype',
        });
      }
      const copy = new Uint8Array(bytes); // aligned
      ids = size === 2 ? new Uint16Array(copy.buffer, 0, copy.length / 2) : new Uint32Array(copy.buffer, 0, copy.length / 4);
      format = size === 2 ? 'bin-uint16' : 'bin-uint32';
    } else {
      ids = await encode(file, bytes.toString('utf8'));
      format = 'text';
    }
    check(file, ids);
    parts.push(ids);
    report.files.push({ path: file, format, tokens: ids.length });
  }
  (o.tokens ?? []).forEach((t, i) => {
    check(`tokens[${i}]`, t);
    parts.push(t);
  });
  const total = parts.reduce((n, p) => n + p.length, 0);
  report.totalTokens = total;
  if (parts.length === 0) throw new CalibrationError('no calibration data: give files (--calib) or token arrays', { field: 'calibration' });
  const available = Math.floor((total - 1) / seqLen);
  if (available < 1) {
    throw new CalibrationError(`calibration data has ${total} tokens, fewer than one window of seqLen + 1 = ${seqLen + 1}`, {
      field: 'calibration',
    });
  }
  const all = new Int32Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const n = Math.min(samples, available);
  const windows = Array.from({ length: n }, (_, j) => {
    const w = Math.floor((j * available) / n);
    return all.slice(w * seqLen, w * seqLen + seqLen + 1);
  });
  report.windows = n;
  return { windows, seqLen, batchSize, report };
}

/** The windows grouped into batches of `batchSize` (the last may be smaller). */
export function calibrationBatches(data: CalibrationData): Int32Array[][] {
  const out: Int32Array[][] = [];
  for (let i = 0; i < data.windows.length; i += data.batchSize) out.push(data.windows.slice(i, i + data.batchSize));
  return out;
}
