// Whole safetensors files in memory: build one as a Uint8Array (for a browser download) and read
// one from an ArrayBuffer (a fetch or a file input). Browser-safe: no Node modules.
// Follows the safetensors format (https://github.com/huggingface/safetensors#format).

import type { TensorArray } from './dtype';
import { parseSafetensorsHeader, type SafetensorsHeader, type TensorInfo } from './header-parse';
import { layoutSafetensors, type LayoutOptions } from './header-serialize';
import { decodeTensor, decodeTensorAsFloat32 } from './tensor-decode';
import { resolveTensorBytes } from './tensor-encode';
import { lookupTensor } from './tensor-lookup';
import { type ReadTensorOptions, tensorByteRange } from './tensor-range';
import type { TensorSource } from './tensor-source';
import { parseOptions } from '@tinylm/errors';
import { layoutOptions, parseSafetensorsOptions } from './options';

/** Options for `serializeSafetensors`. */
export type SerializeSafetensorsOptions = LayoutOptions;

/**
 * Builds a complete safetensors file in memory. Producers are called one at a time, in file
 * order (see `layoutSafetensors`). Throws `SafetensorsWriteError` naming the tensor on bad input.
 */
export async function serializeSafetensors(
  tensors: readonly TensorSource[],
  options: SerializeSafetensorsOptions = {},
): Promise<Uint8Array> {
  options = parseOptions(layoutOptions, options, 'serializeSafetensors');
  const file = options.file ?? '<buffer>';
  const layout = layoutSafetensors(tensors, options);
  const out = new Uint8Array(layout.fileSize);
  out.set(layout.header, 0);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const info of layout.tensors) {
    const bytes = await resolveTensorBytes(byName.get(info.name) as TensorSource, info, file);
    out.set(bytes, layout.header.length + info.dataOffsets[0]);
  }
  return out;
}

/** A safetensors file held in memory; see `parseSafetensors`. */
export class SafetensorsBuffer {
  /** The name used in error messages. */
  readonly file: string;
  /** The parsed header. */
  readonly header: SafetensorsHeader;
  private readonly bytes: Uint8Array;
  private readonly byName: ReadonlyMap<string, TensorInfo>;

  constructor(bytes: Uint8Array, file: string) {
    this.file = file;
    this.bytes = bytes;
    this.header = parseSafetensorsHeader(bytes, { file, fileSize: bytes.length });
    this.byName = new Map(this.header.tensors.map((t) => [t.name, t]));
  }

  /** The tensors, in file order. */
  get tensors(): readonly TensorInfo[] {
    return this.header.tensors;
  }

  /** The `__metadata__` strings, if any. */
  get metadata(): Readonly<Record<string, string>> | undefined {
    return this.header.metadata;
  }

  /** True when the file holds a tensor called `name`. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The header entry of `name`; throws `TensorNotFoundError` if absent. */
  info(name: string): TensorInfo {
    return lookupTensor(this.byName, name, this.file);
  }

  /** The raw little-endian bytes of a tensor (or of some of its rows), without copying. */
  readTensorBytes(name: string, options?: ReadTensorOptions): Uint8Array {
    const range = tensorByteRange(this.info(name), options, this.file);
    const start = this.header.dataStart;
    return this.bytes.subarray(start + range.begin, start + range.end);
  }

  /** A tensor (or some of its rows) as a new typed array of its dtype (see `DtypeArrayMap`). */
  readTensor(name: string, options?: ReadTensorOptions): TensorArray {
    return decodeTensor(this.readTensorBytes(name, options).slice(), this.info(name).dtype);
  }

  /** A tensor (or some of its rows) converted to a new Float32Array (see `decodeTensorAsFloat32`). */
  readTensorAsFloat32(name: string, options?: ReadTensorOptions): Float32Array {
    return decodeTensorAsFloat32(this.readTensorBytes(name, options).slice(), this.info(name).dtype);
  }
}

/**
 * Parses a whole safetensors file held in memory, validating its header (see
 * `parseSafetensorsHeader`). The buffer is not copied; tensors read from it are.
 */
export function parseSafetensors(data: ArrayBuffer | Uint8Array, options: { file?: string } = {}): SafetensorsBuffer {
  options = parseOptions(parseSafetensorsOptions, options, 'parseSafetensors');
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return new SafetensorsBuffer(bytes, options.file ?? '<buffer>');
}
