// The options schemas of hf-io's public functions (zod), checked with `parseOptions` at each entry:
// an unknown key, a value of the wrong type or a missing required key is an OptionsError naming
// the key and the allowed ones. Each schema is held against the function's declared options type
// at compile time (`SameShape`), so the two cannot drift.
import type { SameShape } from '@tinylm/errors';
import { z } from 'zod';
import type { AtomicWriteOptions } from './atomic-write';
import type { OpenHfCheckpointOptions } from './hf-checkpoint';
import type { WriteHfFolderOptions } from './hf-folder';
import type { ParseHeaderOptions } from './header-parse';
import type { LayoutOptions } from './header-serialize';
import type { JsonValue, StringifyJsonOptions } from './json';
import type { CommitDirOptions } from './temp-dir';
import type { ReadTensorOptions } from './tensor-range';
import type { TensorSource } from './tensor-source';
import type { WriteSafetensorsOptions } from './write-safetensors';
import type { WriteShardsOptions } from './write-shards';

// The writers check each metadata value themselves (naming the field), so only the shape is checked here.
const metadata = z
  .custom<Readonly<Record<string, string>>>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'expected an object of strings',
  )
  .nullable()
  .optional();

export const atomicWriteOptions = z.strictObject({ fsync: z.boolean().optional(), mode: z.number().int().nonnegative().optional() });
true satisfies SameShape<z.input<typeof atomicWriteOptions>, AtomicWriteOptions>;

export const stringifyJsonOptions = z.strictObject({ sortKeys: z.boolean().optional(), indent: z.number().int().nonnegative().optional() });
true satisfies SameShape<z.input<typeof stringifyJsonOptions>, StringifyJsonOptions>;

export const writeJsonFileOptions = z.strictObject({ ...stringifyJsonOptions.shape, ...atomicWriteOptions.shape });
true satisfies SameShape<z.input<typeof writeJsonFileOptions>, StringifyJsonOptions & AtomicWriteOptions>;

export const commitDirOptions = z.strictObject({ force: z.boolean().optional() });
true satisfies SameShape<z.input<typeof commitDirOptions>, CommitDirOptions>;

export const layoutOptions = z.strictObject({ metadata, file: z.string().optional() });
true satisfies SameShape<z.input<typeof layoutOptions>, LayoutOptions>;

export const parseHeaderOptions = z.strictObject({ file: z.string().optional(), fileSize: z.number().int().nonnegative().optional() });
true satisfies SameShape<z.input<typeof parseHeaderOptions>, ParseHeaderOptions>;

export const parseSafetensorsOptions = z.strictObject({ file: z.string().optional() });

export const readTensorOptions = z.strictObject({ rows: z.tuple([z.number(), z.number()]).readonly().optional() });
true satisfies SameShape<z.input<typeof readTensorOptions>, ReadTensorOptions>;

export const openHfCheckpointOptions = z.strictObject({ weightsName: z.string().optional() });
true satisfies SameShape<z.input<typeof openHfCheckpointOptions>, OpenHfCheckpointOptions>;

export const writeSafetensorsOptions = z.strictObject({ ...atomicWriteOptions.shape, metadata });
true satisfies SameShape<z.input<typeof writeSafetensorsOptions>, WriteSafetensorsOptions>;

export const writeShardsOptions = z.strictObject({
  ...writeSafetensorsOptions.shape,
  maxShardSize: z.union([z.number(), z.string()]).optional(),
  weightsName: z.string().optional(),
  indexMetadata: z.record(z.string(), z.custom<JsonValue>()).optional(),
});
true satisfies SameShape<z.input<typeof writeShardsOptions>, WriteShardsOptions>;

/** Bytes of any backing buffer (zod's `instanceof` narrows to `Uint8Array<ArrayBuffer>`). */
export const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected a Uint8Array');
const fileData = z.union([z.string(), bytes]);

/** The tensors to write: an array, its entries checked by the writers themselves (no deep parse of the data). */
export const tensorSources = z.custom<readonly TensorSource[]>(
  (v) => Array.isArray(v),
  'expected an array of tensors ({ name, dtype, shape, data })',
);

export const writeHfFolderOptions = z.strictObject({
  ...writeShardsOptions.shape,
  tensors: tensorSources,
  config: z.unknown().optional(),
  generationConfig: z.unknown().optional(),
  tokenizer: z.unknown().optional(),
  tokenizerConfig: z.unknown().optional(),
  specialTokensMap: z.unknown().optional(),
  tokenizerModel: fileData.optional(),
  copyTokenizerFrom: z.string().optional(),
  extraFiles: z.record(z.string(), fileData).optional(),
  force: z.boolean().optional(),
});
true satisfies SameShape<z.input<typeof writeHfFolderOptions>, WriteHfFolderOptions>;

/** The subset of `options` that `atomicWriteFile` takes, for functions that pass their own options on. */
export function atomicOptionsOf(options: AtomicWriteOptions): AtomicWriteOptions {
  return { fsync: options.fsync, mode: options.mode };
}
