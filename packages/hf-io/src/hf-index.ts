// The `model.safetensors.index.json` file of a sharded Hugging Face checkpoint:
// `{"metadata": {"total_size": <bytes>}, "weight_map": {<tensor name>: <shard file name>}}`,
// as written by transformers' save_pretrained (`json.dumps(index, indent=2, sort_keys=True) + "\n"`).

import { showValue } from '@tinylm/errors';
import { HfFolderError } from './errors';
import { type JsonValue, stringifyJson } from './json';
import type { ShardPlan } from './shard-plan';

/** The contents of a `*.safetensors.index.json` file. */
export interface SafetensorsIndex {
  /** `total_size` (sum of tensor data sizes, bytes) and whatever else the writer recorded. */
  readonly metadata: Readonly<Record<string, JsonValue>>;
  /** Tensor name -> shard file name (relative to the folder). */
  readonly weight_map: Readonly<Record<string, string>>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The longest shard file name accepted, in UTF-8 bytes: NAME_MAX of Linux, macOS and Windows file systems. */
export const MAX_SHARD_NAME_BYTES = 255;

const utf8 = new TextEncoder();

/**
 * Why `name` is not a plain file name in the same folder, or undefined when it is one: not
 * empty, `.` or `..`, no folder separators, no control characters (a NUL makes Node's fs throw a
 * TypeError), at most MAX_SHARD_NAME_BYTES bytes (a longer one fails as ENAMETOOLONG on open).
 */
function shardNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'is not a string';
  if (name.length === 0 || name === '.' || name === '..') return 'is not a file name';
  if (/[/\\]/.test(name)) return 'names a folder';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'holds a control character';
  // Cheap bound first: a UTF-8 character is at least one byte.
  if (name.length > MAX_SHARD_NAME_BYTES || utf8.encode(name).length > MAX_SHARD_NAME_BYTES) {
    return `is longer than ${MAX_SHARD_NAME_BYTES} bytes`;
  }
  return undefined;
}

/**
 * Validates parsed index JSON. `file` names the index in errors. Throws `HfFolderError` naming
 * the field (and tensor) at fault: `weight_map` must map names to bare shard file names.
 */
export function parseSafetensorsIndex(json: unknown, file: string): SafetensorsIndex {
  if (!isPlainObject(json)) {
    throw new HfFolderError({ message: `${file}: must be a JSON object with "weight_map"`, file });
  }
  const metadata = json.metadata === undefined ? {} : json.metadata;
  if (!isPlainObject(metadata)) {
    throw new HfFolderError({ message: `${file}: "metadata" must be an object`, file, field: 'metadata' });
  }
  const map = json.weight_map;
  if (!isPlainObject(map)) {
    throw new HfFolderError({
      message: `${file}: "weight_map" must be an object mapping tensor names to shard file names`,
      file,
      field: 'weight_map',
    });
  }
  const entries = Object.entries(map);
  for (const [tensor, shard] of entries) {
    const problem = shardNameProblem(shard);
    if (problem !== undefined) {
      throw new HfFolderError({
        message:
          `${file}: "weight_map" maps tensor ${showValue(tensor)} to ${showValue(shard)}; allowed: a file name in the same ` +
          `folder, at most ${MAX_SHARD_NAME_BYTES} bytes (this one ${problem})`,
        file,
        tensor,
        field: 'weight_map',
      });
    }
  }
  // fromEntries defines own properties, so a tensor named "__proto__" stays a plain key.
  return {
    metadata: metadata as Record<string, JsonValue>,
    weight_map: Object.fromEntries(entries) as Record<string, string>,
  };
}

/** The index for a shard plan: `metadata.total_size` plus `extraMetadata`. */
export function indexForPlan(plan: ShardPlan, extraMetadata: Readonly<Record<string, JsonValue>> = {}): SafetensorsIndex {
  return { metadata: { ...extraMetadata, total_size: plan.totalSize }, weight_map: plan.weightMap };
}

/** Index JSON text as transformers writes it: keys sorted, 2-space indent, trailing newline. */
export function serializeSafetensorsIndex(index: SafetensorsIndex): string {
  return stringifyJson(index, { sortKeys: true });
}
