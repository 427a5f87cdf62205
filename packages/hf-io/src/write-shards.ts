// Writing tensors as a Hugging Face checkpoint: one `model.safetensors` when everything fits in
// `maxShardSize`, else `model-0000i-of-0000N.safetensors` shards plus
// `model.safetensors.index.json`, split as huggingface_hub does (see ./shard-plan.ts). Each file
// is written atomically and streamed one tensor at a time (see ./write-safetensors.ts).

import { join } from 'node:path';
import { atomicWriteFile, type AtomicWriteOptions } from './atomic-write';
import { indexForPlan, type SafetensorsIndex, serializeSafetensorsIndex } from './hf-index';
import { type LayoutOptions, layoutSafetensors } from './header-serialize';
import type { JsonValue } from './json';
import { type ShardPlan, planShards } from './shard-plan';
import { DEFAULT_MAX_SHARD_SIZE, parseShardSize } from './shard-size';
import type { TensorSource } from './tensor-source';
import { writeSafetensors } from './write-safetensors';
import { parseOptions } from '@tinylm/errors';
import { atomicOptionsOf, writeShardsOptions } from './options';

/** Options for `writeSafetensorsShards`. */
export interface WriteShardsOptions extends AtomicWriteOptions {
  /** Largest tensor data per shard: bytes or a string like `"2GB"` (see `parseShardSize`). Default `"5GB"`. */
  maxShardSize?: number | string;
  /** `__metadata__` of every shard; default `{ format: 'pt' }`, `null` for none. */
  metadata?: LayoutOptions['metadata'];
  /** Name of the single weights file and pattern of the shard names; default `model.safetensors`. */
  weightsName?: string;
  /** More fields for the index's `metadata` (beside `total_size`). */
  indexMetadata?: Readonly<Record<string, JsonValue>>;
}

/** What `writeSafetensorsShards` wrote. */
export interface WrittenShards {
  /** How the tensors were split. */
  readonly plan: ShardPlan;
  /** The file names written, shards first, then the index if there is one. */
  readonly files: readonly string[];
  /** The index written, when there is more than one shard. */
  readonly index: SafetensorsIndex | undefined;
}

/**
 * Writes `tensors` into the existing folder `dir` as one safetensors file or as shards plus an
 * index. All tensors are validated before any file is written. Files already in `dir` are
 * replaced but not removed; use `writeHfFolder` for a fresh, atomically created folder.
 */
export async function writeSafetensorsShards(
  dir: string,
  tensors: readonly TensorSource[],
  options: WriteShardsOptions = {},
): Promise<WrittenShards> {
  options = parseOptions(writeShardsOptions, options, 'writeSafetensorsShards');
  const weightsName = options.weightsName ?? 'model.safetensors';
  layoutSafetensors(tensors, { metadata: options.metadata, file: join(dir, weightsName) }); // validate all first
  const plan = planShards(tensors, parseShardSize(options.maxShardSize ?? DEFAULT_MAX_SHARD_SIZE), weightsName);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const files: string[] = [];
  for (const shard of plan.shards) {
    const sources = shard.tensors.map((name) => byName.get(name) as TensorSource);
    await writeSafetensors(join(dir, shard.file), sources, { ...atomicOptionsOf(options), metadata: options.metadata });
    files.push(shard.file);
  }
  let index: SafetensorsIndex | undefined;
  if (plan.sharded) {
    index = indexForPlan(plan, options.indexMetadata);
    const indexName = `${weightsName}.index.json`;
    await atomicWriteFile(join(dir, indexName), serializeSafetensorsIndex(index), atomicOptionsOf(options));
    files.push(indexName);
  }
  return { plan, files, index };
}
