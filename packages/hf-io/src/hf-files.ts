// The JSON and tokenizer files of a Hugging Face model folder, read and written as plain
// JSON; what they mean is up to other packages (arch-config reads config.json, tokenizer-prune
// reads tokenizer.json). File names and formatting follow transformers' save_pretrained:
// config.json, generation_config.json, tokenizer_config.json and special_tokens_map.json with
// sorted keys and 2-space indent; tokenizer.json keeps its key order, as the tokenizers library
// writes it.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicCopyFile, atomicWriteFile, type AtomicWriteOptions } from './atomic-write';
import { HfFolderError } from './errors';
import { fileError } from './file-error';
import { type JsonValue, type StringifyJsonOptions, stringifyJson } from './json';
import { isFile } from './path-probe';
import { parseOptions } from '@tinylm/errors';
import { atomicOptionsOf, writeJsonFileOptions } from './options';

/** The JSON files of a model folder, by the name this package uses for them. */
export const HF_JSON_FILES = Object.freeze({
  config: 'config.json',
  generationConfig: 'generation_config.json',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
  specialTokensMap: 'special_tokens_map.json',
} as const);

/** Which JSON file of a model folder: a key of `HF_JSON_FILES`. */
export type HfJsonFile = keyof typeof HF_JSON_FILES;

/** The files that make up a tokenizer, copied together by `copyTokenizerFiles`. */
export const TOKENIZER_FILES: readonly string[] = Object.freeze([
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'tokenizer.model',
]);

/** Reads and parses a JSON file; throws `HfFolderError` naming the file if it is missing or not JSON. */
export async function readJsonFile(path: string): Promise<JsonValue> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(path, 'read', error);
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new HfFolderError({
      message: `${path}: not valid JSON (${(error as Error).message})`,
      file: path,
      cause: error,
    });
  }
}

/** Writes `value` as JSON (2-space indent, trailing newline) atomically. */
export async function writeJsonFile(path: string, value: unknown, options: StringifyJsonOptions & AtomicWriteOptions = {}): Promise<void> {
  options = parseOptions(writeJsonFileOptions, options, 'writeJsonFile');
  await atomicWriteFile(path, stringifyJson(value, { sortKeys: options.sortKeys, indent: options.indent }), atomicOptionsOf(options));
}

/** Reads one JSON file of a model folder, or `undefined` when the folder has none. */
export async function readHfJson(dir: string, which: HfJsonFile): Promise<JsonValue | undefined> {
  const path = join(dir, HF_JSON_FILES[which]);
  return (await isFile(path)) ? readJsonFile(path) : undefined;
}

/**
 * Writes one JSON file of a model folder, formatted as transformers does (sorted keys, except
 * tokenizer.json which keeps its order). Returns the path written.
 */
export async function writeHfJson(dir: string, which: HfJsonFile, value: unknown): Promise<string> {
  const path = join(dir, HF_JSON_FILES[which]);
  await writeJsonFile(path, value, { sortKeys: which !== 'tokenizer' });
  return path;
}

/**
 * Copies the tokenizer files that exist in `fromDir` (see `TOKENIZER_FILES`, including the
 * SentencePiece `tokenizer.model`) into `toDir`, each atomically. Returns the names copied.
 */
export async function copyTokenizerFiles(fromDir: string, toDir: string): Promise<string[]> {
  const copied: string[] = [];
  for (const name of TOKENIZER_FILES) {
    const from = join(fromDir, name);
    if (!(await isFile(from))) continue;
    await atomicCopyFile(from, join(toDir, name));
    copied.push(name);
  }
  return copied;
}
