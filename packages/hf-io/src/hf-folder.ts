// A whole Hugging Face model folder (the layout transformers' save_pretrained writes and
// from_pretrained reads): config.json, generation_config.json, the weights (single file or
// shards + index), and the tokenizer files (tokenizer.json, tokenizer_config.json,
// special_tokens_map.json, and tokenizer.model for SentencePiece). Writing is atomic at the
// folder level: everything goes into a temporary sibling folder renamed into place at the end.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicCopyFile, atomicWriteFile } from './atomic-write';
import { InvalidArgumentError } from './errors';
import { HfCheckpoint, type OpenHfCheckpointOptions } from './hf-checkpoint';
import { copyTokenizerFiles, type HfJsonFile, readHfJson, writeHfJson } from './hf-files';
import type { JsonValue } from './json';
import { withTempDir } from './temp-dir';
import type { TensorSource } from './tensor-source';
import { type WriteShardsOptions, type WrittenShards, writeSafetensorsShards } from './write-shards';
import { parseOptions } from '@tinylm/errors';
import { atomicOptionsOf, writeHfFolderOptions } from './options';
import { showValue } from '@tinylm/errors';

/** A model folder opened by `readHfFolder`. Call `close()` when done with the weights. */
export interface HfFolder {
  readonly dir: string;
  /** The weights, opened lazily (headers only). */
  readonly checkpoint: HfCheckpoint;
  /** Parsed `config.json`, if present. */
  readonly config: JsonValue | undefined;
  /** Parsed `generation_config.json`, if present. */
  readonly generationConfig: JsonValue | undefined;
  /** Parsed `tokenizer.json`, if present. */
  readonly tokenizer: JsonValue | undefined;
  /** Parsed `tokenizer_config.json`, if present. */
  readonly tokenizerConfig: JsonValue | undefined;
  /** Parsed `special_tokens_map.json`, if present. */
  readonly specialTokensMap: JsonValue | undefined;
  /** Path of the SentencePiece `tokenizer.model`, if present. */
  readonly tokenizerModelPath: string | undefined;
  /** Closes the checkpoint's files. */
  close(): Promise<void>;
}

/**
 * Opens a Hugging Face model folder: the weights (see `openHfCheckpoint`) and the JSON files that
 * exist. Throws `HfFolderError` for a missing folder, missing weights, or a JSON file that does not
 * parse.
 */
export async function readHfFolder(dir: string, options?: OpenHfCheckpointOptions): Promise<HfFolder> {
  const checkpoint = await HfCheckpoint.open(dir, options);
  try {
    const json = async (which: HfJsonFile) => readHfJson(dir, which);
    const modelPath = join(dir, 'tokenizer.model');
    const hasModel = await stat(modelPath).then(
      (s) => s.isFile(),
      () => false,
    );
    return {
      dir,
      checkpoint,
      config: await json('config'),
      generationConfig: await json('generationConfig'),
      tokenizer: await json('tokenizer'),
      tokenizerConfig: await json('tokenizerConfig'),
      specialTokensMap: await json('specialTokensMap'),
      tokenizerModelPath: hasModel ? modelPath : undefined,
      close: () => checkpoint.close(),
    };
  } catch (error) {
    await checkpoint.close();
    throw error;
  }
}

/** Options for `writeHfFolder`. */
export interface WriteHfFolderOptions extends WriteShardsOptions {
  /** The weights. Producers are called one at a time while writing. */
  tensors: readonly TensorSource[];
  /** `config.json` contents (written with sorted keys, as transformers does). */
  config?: unknown;
  /** `generation_config.json` contents. */
  generationConfig?: unknown;
  /** `tokenizer.json` contents (key order kept). */
  tokenizer?: unknown;
  /** `tokenizer_config.json` contents. */
  tokenizerConfig?: unknown;
  /** `special_tokens_map.json` contents. */
  specialTokensMap?: unknown;
  /** A SentencePiece `tokenizer.model`: a path to copy, or its bytes. */
  tokenizerModel?: string | Uint8Array;
  /** Copy the tokenizer files found in this folder first (the options above win over them). */
  copyTokenizerFrom?: string;
  /** More files to write, by bare file name (e.g. `README.md`). */
  extraFiles?: Readonly<Record<string, string | Uint8Array>>;
  /** Replace `dir` if it exists. Default false: an existing `dir` is an `OutputExistsError`. */
  force?: boolean;
}

/** What `writeHfFolder` wrote. */
export interface WrittenHfFolder {
  readonly dir: string;
  /** The names of all files in the folder, sorted. */
  readonly files: readonly string[];
  /** The weights files and how the tensors were split. */
  readonly weights: WrittenShards;
}

/**
 * Writes a Hugging Face model folder at `dir`: the weights as one `model.safetensors` or as
 * shards + index (see `writeSafetensorsShards`, `maxShardSize` default "5GB"), the JSON files
 * given, and the tokenizer files. Atomic: the folder appears complete or not at all, and a
 * failure (a throwing producer, bad input) leaves neither `dir` nor a temporary folder behind.
 * Refuses to replace an existing `dir` unless `force` is set.
 */
export async function writeHfFolder(dir: string, options: WriteHfFolderOptions): Promise<WrittenHfFolder> {
  options = parseOptions(writeHfFolderOptions, options, 'writeHfFolder');
  const extra = options.extraFiles ?? {};
  for (const name of Object.keys(extra)) {
    if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
      throw new InvalidArgumentError({
        message: `extraFiles: ${showValue(name)} is not allowed; use a bare file name such as "README.md"`,
        field: 'extraFiles',
      });
    }
  }
  const weights = await withTempDir(
    dir,
    async (temp) => {
      if (options.copyTokenizerFrom !== undefined) await copyTokenizerFiles(options.copyTokenizerFrom, temp);
      const jsonFiles: [HfJsonFile, unknown][] = [
        ['config', options.config],
        ['generationConfig', options.generationConfig],
        ['tokenizer', options.tokenizer],
        ['tokenizerConfig', options.tokenizerConfig],
        ['specialTokensMap', options.specialTokensMap],
      ];
      for (const [which, value] of jsonFiles) if (value !== undefined) await writeHfJson(temp, which, value);
      if (typeof options.tokenizerModel === 'string') {
        await atomicCopyFile(options.tokenizerModel, join(temp, 'tokenizer.model'));
      } else if (options.tokenizerModel !== undefined) {
        await atomicWriteFile(join(temp, 'tokenizer.model'), options.tokenizerModel, atomicOptionsOf(options));
      }
      for (const [name, data] of Object.entries(extra)) await atomicWriteFile(join(temp, name), data, atomicOptionsOf(options));
      const { maxShardSize, metadata, weightsName, indexMetadata, fsync, mode } = options;
      return writeSafetensorsShards(temp, options.tensors, { maxShardSize, metadata, weightsName, indexMetadata, fsync, mode });
    },
    { force: options.force },
  );
  return { dir, files: (await readdir(dir)).sort(), weights };
}
