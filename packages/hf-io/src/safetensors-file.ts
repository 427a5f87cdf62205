// Streamed reading of a safetensors file from disk: opening reads only the 8-byte size and the
// JSON header; each tensor (or row range of one) is then read by offset through the open file
// handle, so a checkpoint never has to fit in memory.
// Follows the safetensors format (https://github.com/huggingface/safetensors#format).

import { type FileHandle, open } from 'node:fs/promises';
import type { TensorArray } from './dtype';
import { SafetensorsFormatError } from './errors';
import { fileError } from './file-error';
import { readAt } from './file-io';
import { showValue } from '@tinylm/errors';
import { parseSafetensorsHeader, readHeaderSize, type SafetensorsHeader, type TensorInfo } from './header-parse';
import { decodeTensor, decodeTensorAsFloat32 } from './tensor-decode';
import { lookupTensor } from './tensor-lookup';
import { type ReadTensorOptions, tensorByteRange } from './tensor-range';

/** An open safetensors file; see `openSafetensors`. Call `close()` when done. */
export class SafetensorsFile {
  /** The file's path. */
  readonly path: string;
  /** The parsed, validated header. */
  readonly header: SafetensorsHeader;
  private readonly handle: FileHandle;
  private readonly byName: ReadonlyMap<string, TensorInfo>;

  private constructor(path: string, handle: FileHandle, header: SafetensorsHeader) {
    this.path = path;
    this.handle = handle;
    this.header = header;
    this.byName = new Map(header.tensors.map((t) => [t.name, t]));
  }

  /** Opens `path` and reads its header; use `openSafetensors`. */
  static async open(path: string): Promise<SafetensorsFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw fileError(path, 'open it', error);
    }
    try {
      const { size } = await handle.stat();
      const prefix = await readAt(handle, 8, 0);
      const headerSize = readHeaderSize(prefix, { file: path, fileSize: size });
      const bytes = new Uint8Array(8 + headerSize);
      bytes.set(prefix, 0);
      bytes.set(await readAt(handle, headerSize, 8), 8);
      const header = parseSafetensorsHeader(bytes, { file: path, fileSize: size });
      return new SafetensorsFile(path, handle, header);
    } catch (error) {
      await handle.close();
      throw fileError(path, 'read its header', error);
    }
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

  /** The header entry of `name`; throws `TensorNotFoundError` naming the file if absent. */
  info(name: string): TensorInfo {
    return lookupTensor(this.byName, name, this.path);
  }

  /** Reads the raw little-endian bytes of a tensor, or of rows `options.rows` of it. */
  async readTensorBytes(name: string, options?: ReadTensorOptions): Promise<Uint8Array> {
    const range = tensorByteRange(this.info(name), options, this.path);
    const length = range.end - range.begin;
    let bytes: Uint8Array;
    try {
      bytes = await readAt(this.handle, length, this.header.dataStart + range.begin);
    } catch (error) {
      throw fileError(this.path, `read tensor ${showValue(name)}`, error);
    }
    if (bytes.length !== length) {
      throw new SafetensorsFormatError({
        message: `${this.path}: tensor ${showValue(name)}: file ended after ${
          bytes.length
        } of ${length} bytes (truncated since it was opened?)`,
        file: this.path,
        tensor: name,
      });
    }
    return bytes;
  }

  /** Reads a tensor (or rows of it) as the typed array of its dtype (see `DtypeArrayMap`). */
  async readTensor(name: string, options?: ReadTensorOptions): Promise<TensorArray> {
    return decodeTensor(await this.readTensorBytes(name, options), this.info(name).dtype);
  }

  /** Reads a tensor (or rows of it) converted to float32 (see `decodeTensorAsFloat32`). */
  async readTensorAsFloat32(name: string, options?: ReadTensorOptions): Promise<Float32Array> {
    return decodeTensorAsFloat32(await this.readTensorBytes(name, options), this.info(name).dtype);
  }

  /** Closes the file handle. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * Opens a safetensors file and reads only its header, validating it (header size, JSON, dtypes,
 * offsets; see `parseSafetensorsHeader`). Throws `SafetensorsFormatError` naming the file and
 * tensor on a bad file.
 */
export function openSafetensors(path: string): Promise<SafetensorsFile> {
  return SafetensorsFile.open(path);
}

/** Opens `path`, runs `use`, and closes the file whatever happens. */
export async function withSafetensors<T>(path: string, use: (file: SafetensorsFile) => Promise<T>): Promise<T> {
  const file = await openSafetensors(path);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}
