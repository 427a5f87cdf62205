// Reading the weights of a Hugging Face model folder: a single `model.safetensors`, or shards
// listed by `model.safetensors.index.json` (its `weight_map` maps each tensor to its shard, as
// transformers' `load_sharded_checkpoint` reads it). Opening reads only the headers; tensors are
// read on demand from whichever shard holds them.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TensorArray } from './dtype';
import { HfFolderError } from './errors';
import { fileError } from './file-error';
import type { TensorInfo } from './header-parse';
import { readJsonFile } from './hf-files';
import { parseSafetensorsIndex, type SafetensorsIndex } from './hf-index';
import { openSafetensors, type SafetensorsFile } from './safetensors-file';
import { lookupTensor } from './tensor-lookup';
import type { ReadTensorOptions } from './tensor-range';
import type { TensorSource } from './tensor-source';
import { parseOptions, showValue } from '@tinylm/errors';
import { openHfCheckpointOptions } from './options';

/** A tensor of a checkpoint, with the file that holds it. */
export interface HfTensorInfo extends TensorInfo {
  /** The safetensors file (name within the folder) holding the tensor. */
  readonly file: string;
}

/** Options for `openHfCheckpoint`. */
export interface OpenHfCheckpointOptions {
  /** The weights file name; the index is `<weightsName>.index.json`. Default `model.safetensors`. */
  weightsName?: string;
}

async function kind(path: string): Promise<'file' | 'dir' | 'none'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'none';
    throw fileError(path, 'look at it', error);
  }
}

function listSome(items: readonly string[], max = 10): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown}, ... (${items.length} in all)` : shown;
}

/** The weights of a Hugging Face model folder; see `openHfCheckpoint`. Call `close()` when done. */
export class HfCheckpoint {
  /** The folder. */
  readonly dir: string;
  /** The parsed index, when the checkpoint is sharded. */
  readonly index: SafetensorsIndex | undefined;
  /** The open safetensors files, by file name. */
  readonly files: ReadonlyMap<string, SafetensorsFile>;
  /** Every tensor, by file then file order. */
  readonly tensors: readonly HfTensorInfo[];
  private readonly byName: ReadonlyMap<string, HfTensorInfo>;

  private constructor(dir: string, index: SafetensorsIndex | undefined, files: Map<string, SafetensorsFile>) {
    this.dir = dir;
    this.index = index;
    this.files = files;
    const tensors: HfTensorInfo[] = [];
    for (const [name, file] of files) {
      for (const t of file.tensors) {
        if (index === undefined || index.weight_map[t.name] === name) tensors.push({ ...t, file: name });
      }
    }
    this.tensors = tensors;
    this.byName = new Map(tensors.map((t) => [t.name, t]));
  }

  /** Opens the checkpoint in `dir`; use `openHfCheckpoint`. */
  static async open(dir: string, options: OpenHfCheckpointOptions = {}): Promise<HfCheckpoint> {
    options = parseOptions(openHfCheckpointOptions, options, 'openHfCheckpoint');
    const weightsName = options.weightsName ?? 'model.safetensors';
    const indexName = `${weightsName}.index.json`;
    const dirKind = await kind(dir);
    if (dirKind !== 'dir') {
      throw new HfFolderError({
        message: `${dir}: ${dirKind === 'none' ? 'folder does not exist' : 'is a file, not a folder'}`,
        file: dir,
      });
    }
    const indexPath = join(dir, indexName);
    let index: SafetensorsIndex | undefined;
    let names: string[];
    if ((await kind(indexPath)) === 'file') {
      index = parseSafetensorsIndex(await readJsonFile(indexPath), indexPath);
      names = [...new Set(Object.values(index.weight_map))].sort();
      const missing: string[] = [];
      for (const name of names) if ((await kind(join(dir, name))) !== 'file') missing.push(name);
      if (missing.length > 0) {
        throw new HfFolderError({
          message: `${indexPath}: "weight_map" names shard files that do not exist in ${dir}: ${listSome(missing)}`,
          file: indexPath,
          field: 'weight_map',
        });
      }
    } else if ((await kind(join(dir, weightsName))) === 'file') {
      names = [weightsName];
    } else {
      const found = (await readdir(dir).catch((error) => Promise.reject(fileError(dir, 'list it', error))))
        .filter((f) => f.endsWith('.safetensors'))
        .sort();
      throw new HfFolderError({
        message:
          `${dir}: no ${weightsName} or ${indexName}` +
          (found.length > 0 ? `; safetensors files present: ${listSome(found)} (pass weightsName?)` : ''),
        file: dir,
      });
    }

    const files = new Map<string, SafetensorsFile>();
    try {
      for (const name of names) files.set(name, await openSafetensors(join(dir, name)));
      if (index) {
        const absent = Object.entries(index.weight_map).filter(([tensor, shard]) => !(files.get(shard) as SafetensorsFile).has(tensor));
        if (absent.length > 0) {
          const list = absent.slice(0, 10).map(([tensor, shard]) => `${showValue(tensor)} (in ${shard})`);
          throw new HfFolderError({
            message: `${indexPath}: tensors named in "weight_map" are absent from their shard: ${listSome(list)}${
              absent.length > list.length ? `, ... (${absent.length} in all)` : ''
            }`,
            file: indexPath,
            tensor: absent[0][0],
            field: 'weight_map',
          });
        }
      }
    } catch (error) {
      await Promise.all([...files.values()].map((f) => f.close()));
      throw error;
    }
    return new HfCheckpoint(dir, index, files);
  }

  /** True for a checkpoint split into shards with an index. */
  get sharded(): boolean {
    return this.index !== undefined;
  }

  /** True when the checkpoint holds a tensor called `name`. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The tensor's header entry and file; throws `TensorNotFoundError` naming the folder if absent. */
  info(name: string): HfTensorInfo {
    return lookupTensor(this.byName, name, this.dir);
  }

  private fileOf(name: string): SafetensorsFile {
    return this.files.get(this.info(name).file) as SafetensorsFile;
  }

  /** Reads the raw little-endian bytes of a tensor (or of rows of it) from its shard. */
  readTensorBytes(name: string, options?: ReadTensorOptions): Promise<Uint8Array> {
    return this.fileOf(name).readTensorBytes(name, options);
  }

  /** Reads a tensor (or rows of it) as the typed array of its dtype. */
  readTensor(name: string, options?: ReadTensorOptions): Promise<TensorArray> {
    return this.fileOf(name).readTensor(name, options);
  }

  /** Reads a tensor (or rows of it) converted to float32. */
  readTensorAsFloat32(name: string, options?: ReadTensorOptions): Promise<Float32Array> {
    return this.fileOf(name).readTensorAsFloat32(name, options);
  }

  /**
   * Every tensor as a `TensorSource` whose data is read from disk only when a writer asks for
   * it: re-shard or copy a checkpoint without holding it in memory.
   */
  toTensorSources(): TensorSource[] {
    return this.tensors.map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      data: () => this.readTensorBytes(t.name),
    }));
  }

  /** Closes every open file. */
  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.close()));
  }
}

/**
 * Opens the weights of a Hugging Face model folder, reading only the safetensors headers.
 * Throws `HfFolderError` when the folder has neither weights file nor index, when the index names
 * shard files that do not exist, or tensors absent from their shard (the message lists them);
 * `SafetensorsFormatError` for a bad shard.
 */
export function openHfCheckpoint(dir: string, options?: OpenHfCheckpointOptions): Promise<HfCheckpoint> {
  return HfCheckpoint.open(dir, options);
}
