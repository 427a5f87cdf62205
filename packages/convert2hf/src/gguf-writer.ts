// A streamed writer of GGUF v3 files (the model format of ggml / llama.cpp).
// Follows the GGUF specification (ggml-org/ggml docs/gguf.md, and ggml/include/gguf.h): little-
// endian; magic "GGUF", version 3 (uint32), tensor count and metadata count (uint64); metadata as
// key (string), value type (uint32) and value, arrays as item type (uint32), count (uint64) and
// items; strings as a uint64 byte length and UTF-8 bytes without a terminator; bools as one byte;
// then per tensor its name, rank (uint32), dimensions innermost first (uint64 each), ggml type
// (uint32) and data offset (uint64) relative to the data section, which starts at the next
// multiple of the alignment (`general.alignment`, default 32); each tensor's data is aligned too.
// The header is built in memory; tensor data is produced and written one tensor at a time into a
// temporary file renamed at the end (hf-io's withAtomicFile).

import { stat } from 'node:fs/promises';
import { ByteBuffer, OutputExistsError, withAtomicFile } from '@tinylm/hf-io';
import { GgufExportError } from './errors';
import { parseOptions } from '@tinylm/errors';
import { writeGgufOptions } from './options';

/** GGUF metadata value types (gguf.h `enum gguf_type`). */
export const GGUF_VALUE_TYPES = Object.freeze({
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const);

/** A scalar metadata type name. */
export type GgufScalarType = Exclude<keyof typeof GGUF_VALUE_TYPES, 'array'>;

/** A typed metadata value. */
export type GgufValue =
  | { readonly type: Exclude<GgufScalarType, 'string' | 'bool' | 'uint64' | 'int64'>; readonly value: number }
  | { readonly type: 'uint64' | 'int64'; readonly value: number | bigint }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'array'; readonly itemType: GgufScalarType; readonly values: ArrayLike<number | bigint | string | boolean> };

/** ggml tensor types this writer stores (ggml.h `enum ggml_type`). */
export const GGML_TYPES = Object.freeze({ F32: 0, F16: 1, BF16: 30 } as const);

/** One tensor of a GGUF file. */
export interface GgufTensor {
  readonly name: string;
  readonly type: keyof typeof GGML_TYPES;
  /** Shape outermost first, as PyTorch and safetensors write it; GGUF stores it reversed. */
  readonly shape: readonly number[];
  /** The data as little-endian bytes of `type`, row-major; called once, when its turn comes. */
  readonly data: () => Promise<Uint8Array>;
}

/** Options for `writeGguf`. */
export interface WriteGgufOptions {
  /** Metadata key/value pairs, in file order. `general.alignment` is added when absent. */
  readonly metadata: readonly (readonly [string, GgufValue])[];
  readonly tensors: readonly GgufTensor[];
  /** Data alignment in bytes; default 32 (GGUF_DEFAULT_ALIGNMENT). */
  readonly alignment?: number;
  /** Replace an existing file. Default false: an existing file is an `OutputExistsError`. */
  readonly force?: boolean;
}

/** What `writeGguf` wrote. */
export interface WrittenGguf {
  readonly path: string;
  readonly fileSize: number;
  /** Offset of the tensor data section. */
  readonly dataOffset: number;
  readonly tensorCount: number;
}

const ELEMENT_BYTES = { F32: 4, F16: 2, BF16: 2 } as const;

/** The header buffer: hf-io's ByteBuffer plus GGUF's length-prefixed strings and alignment padding. */
class ByteWriter extends ByteBuffer {
  private readonly encoder = new TextEncoder();

  constructor() {
    super(1 << 16);
  }
  string(s: string): this {
    const bytes = this.encoder.encode(s);
    return this.u64(bytes.length).bytes(bytes);
  }
  pad(alignment: number): this {
    return this.zeros((alignment - (this.length % alignment)) % alignment);
  }
}

function writeScalar(w: ByteWriter, type: GgufScalarType, v: number | bigint | string | boolean, key: string): void {
  const bad = (): never => {
    throw new GgufExportError({ message: `GGUF metadata ${key}: ${JSON.stringify(String(v))} is not a valid ${type}`, field: key });
  };
  switch (type) {
    case 'string':
      if (typeof v === 'string') w.string(v);
      else bad();
      return;
    case 'bool':
      if (typeof v === 'boolean') w.u8(v ? 1 : 0);
      else bad();
      return;
    case 'uint64':
      if (typeof v === 'number' || typeof v === 'bigint') w.u64(v);
      else bad();
      return;
    case 'int64':
      if (typeof v === 'number' || typeof v === 'bigint') w.i64(v);
      else bad();
      return;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) bad();
  const n = v as number;
  const intRange: Partial<Record<GgufScalarType, [number, number]>> = {
    uint8: [0, 255],
    int8: [-128, 127],
    uint16: [0, 65535],
    int16: [-32768, 32767],
    uint32: [0, 4294967295],
    int32: [-2147483648, 2147483647],
  };
  const range = intRange[type];
  if (range && (!Number.isInteger(n) || n < range[0] || n > range[1])) bad();
  (({ uint8: w.u8, int8: w.i8, uint16: w.u16, int16: w.i16, uint32: w.u32, int32: w.i32, float32: w.f32, float64: w.f64 }) as const)[
    type as 'uint8'
  ].call(w, n);
}

/**
 * Writes a GGUF v3 file at `path` (see the file header). Metadata and shapes are validated before
 * anything is written; tensor producers are called in order. On failure no file is left at `path`.
 * Throws `OutputExistsError` when `path` exists without `force`, `GgufExportError` for bad input.
 */
export async function writeGguf(path: string, options: WriteGgufOptions): Promise<WrittenGguf> {
  const opts = parseOptions(writeGgufOptions, options, 'writeGguf');
  const alignment = opts.alignment ?? 32;
  if (!Number.isInteger(alignment) || alignment <= 0 || alignment % 8 !== 0) {
    throw new GgufExportError({ message: `GGUF alignment must be a positive multiple of 8, got ${alignment}`, field: 'alignment' });
  }
  if (!opts.force) {
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists) throw new OutputExistsError({ message: `${path} already exists; pass force: true (--force) to replace it`, file: path });
  }
  const metadata = [...opts.metadata];
  const keys = new Set<string>();
  for (const [key] of metadata) {
    if (keys.has(key)) throw new GgufExportError({ message: `GGUF metadata key ${key} appears twice`, field: key });
    keys.add(key);
  }
  if (!keys.has('general.alignment')) metadata.push(['general.alignment', { type: 'uint32', value: alignment }]);

  const w = new ByteWriter();
  w.u8(0x47); // "GGUF"
  w.u8(0x47);
  w.u8(0x55);
  w.u8(0x46);
  w.u32(3);
  w.u64(opts.tensors.length);
  w.u64(metadata.length);
  for (const [key, value] of metadata) {
    w.string(key);
    w.u32(GGUF_VALUE_TYPES[value.type]);
    if (value.type === 'array') {
      w.u32(GGUF_VALUE_TYPES[value.itemType]);
      w.u64(value.values.length);
      for (let i = 0; i < value.values.length; i++) writeScalar(w, value.itemType, value.values[i], key);
    } else writeScalar(w, value.type, value.value, key);
  }
  const names = new Set<string>();
  let offset = 0;
  const sizes: number[] = [];
  for (const t of opts.tensors) {
    if (names.has(t.name)) throw new GgufExportError({ message: `GGUF tensor ${t.name} appears twice`, tensor: t.name });
    names.add(t.name);
    if (!(t.type in GGML_TYPES))
      throw new GgufExportError({ message: `GGUF tensor ${t.name}: type ${t.type}; allowed: F32, F16, BF16`, tensor: t.name });
    if (t.shape.length < 1 || t.shape.length > 4 || t.shape.some((d) => !Number.isSafeInteger(d) || d < 1)) {
      throw new GgufExportError({
        message: `GGUF tensor ${t.name}: shape [${t.shape}] must have 1 to 4 positive dimensions`,
        tensor: t.name,
      });
    }
    w.string(t.name);
    w.u32(t.shape.length);
    for (let d = t.shape.length - 1; d >= 0; d--) w.u64(t.shape[d]); // ne[0] is the innermost dimension
    w.u32(GGML_TYPES[t.type]);
    w.u64(offset);
    const size = t.shape.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[t.type];
    sizes.push(size);
    offset += Math.ceil(size / alignment) * alignment;
  }
  w.pad(alignment);
  const header = w.view();
  const dataOffset = header.length;
  const padding = new Uint8Array(alignment);
  const fileSize = await withAtomicFile(path, async (handle) => {
    let at = 0;
    const write = async (bytes: Uint8Array) => {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, at + done);
        done += bytesWritten;
      }
      at += bytes.length;
    };
    await write(header);
    for (let i = 0; i < opts.tensors.length; i++) {
      const t = opts.tensors[i];
      const data = await t.data();
      if (data.length !== sizes[i]) {
        throw new GgufExportError({
          message: `GGUF tensor ${t.name}: ${data.length} bytes produced, ${sizes[i]} expected for ${t.type} [${t.shape}]`,
          tensor: t.name,
        });
      }
      await write(data);
      const pad = (alignment - (data.length % alignment)) % alignment;
      if (pad > 0) await write(padding.subarray(0, pad)); // after the last one too, as gguf-py's GGUFWriter does
    }
    return at;
  });
  return { path, fileSize, dataOffset, tensorCount: opts.tensors.length };
}
