// Reading training data into token ids. Formats (by extension):
//   .bin / .u16 / .u32   flat little-endian uint16 (default for .bin, as nanoGPT) or uint32 ids
//   .jsonl(.gz)          one JSON object a line: `tokens` (InternEvo's tokenized format, used
//                        as is) or `text` (tokenised with the given tokenizer); gzip allowed
//   anything else        plain UTF-8 text, tokenised whole
// Documents are joined with the tokenizer's EOS id (when it has one) so that no sequence
// silently runs one document into the next.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Tokenizer } from '@tinylm/tokenizer-prune';
import { TrainingDataError } from '../errors';
import { parseOptions } from '@tinylm/errors';
import { readTokensOptions } from '../options';

export type TokenDtype = 'uint16' | 'uint32';

export interface ReadTokensOptions {
  /** Needed for text and JSONL `text`; gives the EOS separator and bytes per token for bits per byte. */
  tokenizer?: Tokenizer;
  /** Element type of `.bin` files; default uint16 (`.u32` files are always uint32). */
  binDtype?: TokenDtype;
}

export interface TokenDocument {
  /** The ids of the file, documents separated by EOS. */
  ids: Uint32Array;
  /** UTF-8 bytes of the text these ids encode, when known (text inputs), for bits per byte. */
  bytes?: number;
}

/** Reads one data file into ids. */
export async function readTokenFile(path: string, options: ReadTokensOptions = {}): Promise<TokenDocument> {
  options = parseOptions(readTokensOptions, options, 'readTokenFile');
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new TrainingDataError(`${path}: no such file`);
  if (/\.(bin|u16|u32)$/.test(path))
    return { ids: await readBinary(path, path.endsWith('.u32') ? 'uint32' : (options.binDtype ?? 'uint16')) };
  if (/\.jsonl(\.gz)?$/.test(path)) return readJsonl(path, options.tokenizer);
  const tokenizer = requireTokenizer(path, options.tokenizer);
  const text = await readFile(path, 'utf8');
  return { ids: Uint32Array.from(tokenizer.encode(text)), bytes: Buffer.byteLength(text, 'utf8') };
}

function requireTokenizer(path: string, tokenizer: Tokenizer | undefined): Tokenizer {
  if (!tokenizer) throw new TrainingDataError(`${path}: text data needs a tokenizer (--tokenizer DIR)`);
  return tokenizer;
}

async function readBinary(path: string, dtype: TokenDtype): Promise<Uint32Array> {
  const buf = await readFile(path);
  const width = dtype === 'uint16' ? 2 : 4;
  if (buf.byteLength % width !== 0) {
    throw new TrainingDataError(`${path}: ${buf.byteLength} bytes is not a whole number of ${dtype} ids`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const ids = new Uint32Array(buf.byteLength / width);
  for (let i = 0; i < ids.length; i++) ids[i] = width === 2 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true);
  return ids;
}

async function readJsonl(path: string, tokenizer: Tokenizer | undefined): Promise<TokenDocument> {
  const parts: number[][] = [];
  let bytes = 0;
  let textLines = 0;
  let lineNo = 0;
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  input.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new TrainingDataError(`${path}:${lineNo}: not valid JSON`);
    }
    const r = row as { tokens?: unknown; text?: unknown };
    if (Array.isArray(r.tokens)) {
      if (!r.tokens.every((t) => Number.isInteger(t) && t >= 0)) {
        throw new TrainingDataError(`${path}:${lineNo}: "tokens" must be an array of non-negative integer ids`);
      }
      parts.push(r.tokens as number[]);
    } else if (typeof r.text === 'string') {
      const tok = requireTokenizer(path, tokenizer);
      parts.push(tok.encode(r.text));
      bytes += Buffer.byteLength(r.text, 'utf8');
      textLines += 1;
    } else {
      throw new TrainingDataError(`${path}:${lineNo}: each line needs a "tokens" array (InternEvo) or a "text" string`);
    }
  }
  const eos = tokenizer?.eosId ?? null;
  const ids: number[] = [];
  parts.forEach((p, i) => {
    if (i > 0 && eos !== null) ids.push(eos);
    for (const t of p) ids.push(t);
  });
  return { ids: Uint32Array.from(ids), bytes: textLines === parts.length && textLines > 0 ? bytes : undefined };
}
