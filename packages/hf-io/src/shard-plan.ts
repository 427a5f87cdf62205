// Splitting tensors into shards the way Hugging Face does (huggingface_hub
// `split_state_dict_into_shards_factory`, used by transformers' save_pretrained): tensors are
// taken in order and added to the current shard until the next one would push it past the
// maximum size; a tensor larger than the maximum gets a shard of its own. One shard is written
// as `model.safetensors` with no index; N > 1 shards as `model-00001-of-0000N.safetensors`.

import { dtypeByteSize } from './dtype';
import type { TensorSpec } from './header-serialize';

/** One planned shard. */
export interface PlannedShard {
  /** The shard's file name. */
  readonly file: string;
  /** The names of the tensors it holds, in order. */
  readonly tensors: readonly string[];
  /** Sum of the tensors' data sizes (the file adds its header). */
  readonly byteLength: number;
}

/** How a set of tensors is split into files. */
export interface ShardPlan {
  /** True when there is more than one shard (and so an index file). */
  readonly sharded: boolean;
  readonly shards: readonly PlannedShard[];
  /** Tensor name -> shard file name (the index's `weight_map`). */
  readonly weightMap: Readonly<Record<string, string>>;
  /** Sum of all tensor data sizes (the index's `metadata.total_size`). */
  readonly totalSize: number;
}

/** `model-00001-of-00003.safetensors` for `weightsName` `model.safetensors`, index 0, count 3. */
export function shardFileName(weightsName: string, index: number, count: number): string {
  const dot = weightsName.lastIndexOf('.');
  const stem = dot > 0 ? weightsName.slice(0, dot) : weightsName;
  const ext = dot > 0 ? weightsName.slice(dot) : '';
  const pad = (n: number) => String(n).padStart(5, '0');
  return `${stem}-${pad(index + 1)}-of-${pad(count)}${ext}`;
}

/**
 * Plans the shards for `tensors` (sizes from dtype × shape) with shards of at most
 * `maxShardSize` bytes of tensor data. `weightsName` (default `model.safetensors`) is the single
 * file's name and the pattern of shard names.
 */
export function planShards(tensors: readonly TensorSpec[], maxShardSize: number, weightsName = 'model.safetensors'): ShardPlan {
  const groups: { tensors: string[]; byteLength: number }[] = [];
  let current: { tensors: string[]; byteLength: number } = { tensors: [], byteLength: 0 };
  let totalSize = 0;
  for (const t of tensors) {
    let size = dtypeByteSize(t.dtype);
    for (const d of t.shape) size *= d;
    totalSize += size;
    if (size > maxShardSize) {
      groups.push({ tensors: [t.name], byteLength: size });
      continue;
    }
    if (current.byteLength + size > maxShardSize && current.tensors.length > 0) {
      groups.push(current);
      current = { tensors: [], byteLength: 0 };
    }
    current.tensors.push(t.name);
    current.byteLength += size;
  }
  if (current.tensors.length > 0 || groups.length === 0) groups.push(current);

  const sharded = groups.length > 1;
  const shards = groups.map((g, i) => ({
    file: sharded ? shardFileName(weightsName, i, groups.length) : weightsName,
    tensors: g.tensors,
    byteLength: g.byteLength,
  }));
  // fromEntries defines own properties, so a tensor named "__proto__" stays a plain key.
  const weightMap: Record<string, string> = Object.fromEntries(shards.flatMap((s) => s.tensors.map((name) => [name, s.file])));
  return { sharded, shards, weightMap, totalSize };
}
