// Parsing and validating a safetensors header.
// Follows the safetensors format (https://github.com/huggingface/safetensors#format) and the
// checks of its reference reader (safetensors/src/tensor.rs, `read_metadata` and
// `Metadata::validate`): an 8-byte little-endian u64 header size N of at most 100,000,000, N bytes
// of UTF-8 JSON starting with `{` (trailing spaces allowed), `__metadata__` mapping strings to
// strings, and tensors whose `data_offsets` (relative to the byte buffer after the header) tile
// the buffer exactly: contiguous from 0, no overlap, no gap, the last ending at the end of file,
// each `end - begin` equal to dtype size × product(shape).

import { DTYPES, type Dtype, dtypeByteSize, isDtype } from './dtype';
import { SafetensorsFormatError } from './errors';
import { parseOptions, showValue } from '@tinylm/errors';
import { parseHeaderOptions } from './options';

/** Largest header accepted, in bytes (the reference's `MAX_HEADER_SIZE`). */
export const SAFETENSORS_MAX_HEADER_SIZE = 100_000_000;

/** A tensor as described by a safetensors header. */
export interface TensorInfo {
  /** The tensor's name (its key in the header). */
  readonly name: string;
  readonly dtype: Dtype;
  /** Outermost dimension first; `[]` is a scalar. */
  readonly shape: readonly number[];
  /** `[begin, end)` in bytes, relative to the start of the byte buffer (after the header). */
  readonly dataOffsets: readonly [number, number];
  /** `end - begin`. */
  readonly byteLength: number;
}

/** A parsed, validated safetensors header. */
export interface SafetensorsHeader {
  /** N, the size of the JSON header in bytes (padding included). */
  readonly headerSize: number;
  /** File offset of the byte buffer: 8 + N. */
  readonly dataStart: number;
  /** Size of the byte buffer: the end offset of the last tensor. */
  readonly dataLength: number;
  /** The `__metadata__` strings, if the header has them. */
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** The tensors, in byte-buffer order. */
  readonly tensors: readonly TensorInfo[];
}

/** Options for `parseSafetensorsHeader` and `readHeaderSize`. */
export interface ParseHeaderOptions {
  /** The file's name for error messages; defaults to `<buffer>`. */
  file?: string;
  /**
   * The whole file's size in bytes. When given, offsets are checked against it and the data must
   * end exactly at the end of the file. When omitted, the file is taken to end where the last
   * tensor ends (useful to parse a header fetched on its own).
   */
  fileSize?: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function fail(file: string, message: string, tensor?: string, field?: string): never {
  const where = tensor === undefined ? file : `${file}: tensor ${showValue(tensor)}`;
  throw new SafetensorsFormatError({ message: `${where}: ${message}`, file, tensor, field });
}

/**
 * Reads N, the JSON header size, from the first 8 bytes of a safetensors file, checking it
 * against the 100 MB limit and (when `fileSize` is given) against the file size.
 */
export function readHeaderSize(prefix: Uint8Array, options: ParseHeaderOptions = {}): number {
  options = parseOptions(parseHeaderOptions, options, 'readHeaderSize');
  const file = options.file ?? '<buffer>';
  const available = options.fileSize ?? prefix.length;
  if (available < 8 || prefix.length < 8) {
    fail(file, `is ${available} bytes long; a safetensors file starts with an 8-byte little-endian header size`);
  }
  const size = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (size > BigInt(SAFETENSORS_MAX_HEADER_SIZE)) {
    fail(
      file,
      `header size field says ${size} bytes, above the ${SAFETENSORS_MAX_HEADER_SIZE}-byte limit ` +
        '(not a safetensors file, or a corrupt one)',
    );
  }
  const n = Number(size);
  if (options.fileSize !== undefined && 8 + n > options.fileSize) {
    fail(file, `header size field says ${n} bytes but only ${options.fileSize - 8} bytes follow it (truncated file?)`);
  }
  return n;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (!isPlainObject(value)) {
    fail(file, '"__metadata__" must be an object mapping strings to strings', undefined, '__metadata__');
  }
  const entries = Object.entries(value);
  for (const [key, v] of entries) {
    if (typeof v !== 'string') {
      fail(
        file,
        `"__metadata__" field ${showValue(key)} is ${showValue(v)}; metadata values must be strings`,
        undefined,
        `__metadata__.${key}`,
      );
    }
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays a plain key.
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseTensor(file: string, name: string, value: unknown): TensorInfo {
  if (!isPlainObject(value)) {
    fail(file, 'entry must be an object {dtype, shape, data_offsets}', name);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isDtype(dtype)) {
    fail(file, `dtype ${showValue(dtype)} is not supported; allowed: ${DTYPES.join(', ')}`, name, 'dtype');
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    fail(file, `shape ${showValue(shape)} must be an array of non-negative integers`, name, 'shape');
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1]) {
    fail(file, `data_offsets ${showValue(offsets)} must be [begin, end] with 0 <= begin <= end`, name, 'data_offsets');
  }
  let expected = dtypeByteSize(dtype);
  for (const d of shape as number[]) {
    expected *= d;
    if (!Number.isSafeInteger(expected)) fail(file, `shape ${showValue(shape)} is too large (more than 2^53 bytes)`, name, 'shape');
  }
  const [begin, end] = offsets as [number, number];
  if (end - begin !== expected) {
    fail(
      file,
      `data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} ${showValue(shape)} needs ` +
        `${expected} (${dtypeByteSize(dtype)} bytes × ${expected / dtypeByteSize(dtype)} elements)`,
      name,
      'data_offsets',
    );
  }
  return { name, dtype, shape: [...(shape as number[])], dataOffsets: [begin, end], byteLength: end - begin };
}

/**
 * Parses and validates the header of a safetensors file. `bytes` starts at the beginning of the
 * file and holds at least the 8-byte size field and the N header bytes (the whole file is fine).
 * Throws `SafetensorsFormatError` naming the file and, where one is at fault, the tensor.
 */
export function parseSafetensorsHeader(bytes: Uint8Array, options: ParseHeaderOptions = {}): SafetensorsHeader {
  options = parseOptions(parseHeaderOptions, options, 'parseSafetensorsHeader');
  const file = options.file ?? '<buffer>';
  const headerSize = readHeaderSize(bytes, options);
  if (bytes.length < 8 + headerSize) {
    fail(file, `header size field says ${headerSize} bytes but only ${bytes.length - 8} bytes follow it (truncated file?)`);
  }
  const jsonBytes = bytes.subarray(8, 8 + headerSize);
  let text: string;
  try {
    text = decoder.decode(jsonBytes);
  } catch {
    fail(file, 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) {
    fail(file, `header must be a JSON object starting with "{", found ${showValue(text.slice(0, 16))}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(file, `header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(json)) fail(file, 'header must be a JSON object');

  let metadata: Record<string, string> | undefined;
  const tensors: TensorInfo[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (key === '__metadata__') metadata = parseMetadata(file, value);
    else tensors.push(parseTensor(file, key, value));
  }

  const dataStart = 8 + headerSize;
  const available = options.fileSize === undefined ? undefined : options.fileSize - dataStart;
  if (available !== undefined) {
    for (const t of tensors) {
      if (t.dataOffsets[1] > available) {
        fail(
          file,
          `data_offsets [${t.dataOffsets[0]}, ${t.dataOffsets[1]}] run past the end of the data ` +
            `(${available} bytes after the header; truncated file?)`,
          t.name,
          'data_offsets',
        );
      }
    }
  }

  // The reference sorts by offsets, then requires each tensor to start where the previous ends.
  tensors.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let end = 0;
  let previous: TensorInfo | undefined;
  for (const t of tensors) {
    const [b, e] = t.dataOffsets;
    if (b < end) {
      const p = previous as TensorInfo;
      fail(
        file,
        `data_offsets [${b}, ${e}] overlap tensor ${showValue(p.name)} [${p.dataOffsets[0]}, ${p.dataOffsets[1]}]; ` +
          'tensors must not overlap',
        t.name,
        'data_offsets',
      );
    }
    if (b > end) {
      const after = previous ? `tensor ${showValue(previous.name)} ends at ${end}` : 'the data starts at 0';
      fail(file, `data_offsets [${b}, ${e}] leave a gap (${after}); tensors must be contiguous`, t.name, 'data_offsets');
    }
    end = e;
    previous = t;
  }
  if (available !== undefined && end !== available) {
    fail(file, `the tensors cover ${end} bytes but ${available} bytes follow the header (trailing bytes)`);
  }
  return { headerSize, dataStart, dataLength: end, metadata, tensors };
}
